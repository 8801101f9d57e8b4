// Moddable SDK `mc/config`: the manifest's `config` merged with `mcconfig key=value`
// arguments, frozen. Values given on the command line arrive as strings
// (tools/mcmanifest.js). The SDK types it as Record<string, any>; `unknown` forces the
// firmware to validate every value, which it does in src/config.ts.
declare module "mc/config" {
  const config: Readonly<Record<string, unknown>>;
  export default config;
}
