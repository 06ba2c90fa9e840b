// webpack (`next build --webpack`) turns the package's `new URL('./web/hookguard_js_bg.wasm',
// import.meta.url)` into a URL of its own that no file can be read from; Turbopack copies the
// module and reads it. With webpack, leave the package to Node, as Next does for packages that
// read files beside them (the npm README says so).
export default { serverExternalPackages: ['hookguard'] };
