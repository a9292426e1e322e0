/**
 * The device drivers' native modules: esbuild cannot inline a `.node` binary, so every bundle of
 * the host leaves them to be resolved from node_modules at run time (and electron-builder unpacks
 * them from the asar).
 */
export const nativeModules = ['node-hid', '@pokusew/pcsclite'];
