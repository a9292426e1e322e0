import { QR_QUIET_ZONE_MODULES, type QrMatrix } from '../../shared/dossier/vietqr';

interface Run {
  x: number;
  y: number;
  length: number;
}

/** Dark modules merged into horizontal runs, shifted by the quiet zone: a few hundred rectangles instead of a thousand. */
function darkRuns(matrix: QrMatrix): Run[] {
  const runs: Run[] = [];
  matrix.modules.forEach((row, y) => {
    let start = -1;
    row.forEach((dark, x) => {
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start + QR_QUIET_ZONE_MODULES, y: y + QR_QUIET_ZONE_MODULES, length: x - start });
        start = -1;
      }
    });
    if (start >= 0) runs.push({ x: start + QR_QUIET_ZONE_MODULES, y: y + QR_QUIET_ZONE_MODULES, length: row.length - start });
  });
  return runs;
}

/**
 * A QR code drawn as SVG rectangles, one unit per module, on a white square that includes the
 * 4-module quiet zone. Colours are SVG attributes, not styles, because the renderer's CSP allows no
 * inline styles; black on white whatever the theme, because phone cameras read dark modules on a
 * light ground. `crispEdges` keeps adjacent runs from blurring into grey seams. `size` is in CSS
 * pixels; the caller names the code for screen readers.
 */
export function QrCode({ matrix, label, size }: { matrix: QrMatrix; label: string; size: number }) {
  const side = matrix.size + 2 * QR_QUIET_ZONE_MODULES;
  return (
    <svg
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${side} ${side}`}
      shapeRendering="crispEdges"
    >
      <rect x={0} y={0} width={side} height={side} fill="#fff" />
      {darkRuns(matrix).map((run) => (
        <rect key={`${run.x},${run.y}`} x={run.x} y={run.y} width={run.length} height={1} fill="#000" />
      ))}
    </svg>
  );
}
