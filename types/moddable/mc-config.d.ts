// Moddable SDK `mc/config`: the manifest's `config` merged with `mcconfig key=value`
// arguments, frozen (tools/mcmanifest.js); values given on the command line arrive as
// strings. Declared as typings/mc/config.d.ts declares it; src/config.ts validates every
// value it reads, so `any` goes no further than that file's `unknown` parameter.
declare module "mc/config" {
  const Config: { file: { root: string } } & Record<string, any>;
  export { Config as default };
}
