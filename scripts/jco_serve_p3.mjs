// Serves a WASI 0.3 wasi:http component that `jco transpile` made into an ES module, with the
// HTTP server of jco's WASI 0.3 shim (@bytecodealliance/preview3-shim): for WASI 0.3, what
// `jco serve` does for WASI 0.2, which jco 1.35's `serve` does not do. scripts/jco-serve
// transpiles the component and runs this:
//
//     node scripts/jco_serve_p3.mjs MODULE.js HOST PORT
//
// One instance answers every request, as `jco serve`'s default. The shim's server wants the
// handler's `result` as a `{tag, val}` variant, while jco's bindings return the response and
// throw the error: the handler given to it says which.
import { pathToFileURL } from "node:url";
import { HttpServer } from "@bytecodealliance/preview3-shim/http";

const [module, host, port] = process.argv.slice(2);
const component = await import(pathToFileURL(module).href);
const handler = component.handler ?? component["wasi:http/handler@0.3.0"];
if (typeof handler?.handle !== "function") {
  console.error(`${module} exports no wasi:http/handler@0.3.0`);
  process.exit(1);
}

const server = new HttpServer({
  async handle(request) {
    try {
      return { tag: "ok", val: await handler.handle(request) };
    } catch (error) {
      console.error("the handler failed:", error);
      return { tag: "err", val: error.payload ?? { tag: "internal-error", val: String(error) } };
    }
  },
});
// A client that goes away mid-response is reported here; the server goes on.
server.on("error", (error) => console.error("jco (WASI 0.3):", error.message));
await server.listen(Number(port), host);
console.error(`Server listening @ ${host}:${port}...`);
