/**
 * Just enough XML for eSCL's small documents: elements, text and CDATA, namespace prefixes dropped
 * (eSCL's `scan:` and `pwg:` names never clash). Strict: a DOCTYPE or entity declaration (the XXE
 * door), an unknown entity or an unbalanced tag is an error, never a guess.
 */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const TOKEN = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (whole, entity: string | undefined) => {
    if (entity?.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity?.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const named = entity && ENTITIES[entity];
    if (!named) throw new Error(`XML: unknown entity ${whole}`);
    return named;
  });
}

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '', children: [], text: '' };
  const open: XmlElement[] = [root];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new Error(`XML: unexpected markup at ${at}`);
    const [, cdata, closing, name, , selfClosing, text] = match;
    const current = open[open.length - 1]!;
    if (cdata !== undefined) current.text += cdata;
    else if (text !== undefined) current.text += decode(text);
    else if (name === undefined) continue;
    else if (closing) {
      if (open.length < 2 || current.name !== localName(name)) throw new Error(`XML: unexpected </${name}>`);
      open.pop();
    } else {
      const element: XmlElement = { name: localName(name), children: [], text: '' };
      current.children.push(element);
      if (!selfClosing) open.push(element);
    }
  }
  const [document] = root.children;
  if (open.length !== 1 || root.children.length !== 1 || !document) throw new Error('XML: not one well-formed root element');
  return document;
}

/** Every element called `name` below `element`, at any depth, in document order. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...descendants(child, name)]);
}

/** The trimmed text of the first element called `name` below `element`, or undefined. */
export function textOf(element: XmlElement, name: string): string | undefined {
  return descendants(element, name)[0]?.text.trim();
}
