/**
 * Modules every bundle of the host leaves to node_modules, resolved at run time (electron-builder
 * unpacks them from the asar): the drivers' native modules and sharp's libvips, which esbuild cannot
 * inline, and tesseract.js, which starts its worker thread from a file in its own package.
 */
export const nativeModules = ['node-hid', '@pokusew/pcsclite', 'sharp', 'tesseract.js'];
