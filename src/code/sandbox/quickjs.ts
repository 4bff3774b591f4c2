// Loads QuickJS compiled to wasm (the synchronous release build). The page's
// worker passes the wasm's URL (served by the site itself, never a CDN); in
// Node the variant finds its file beside it.
import variant from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';

export type { QuickJSWASMModule };

export function loadQuickJs(wasmLocation?: string): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant(wasmLocation ? newVariant(variant, { wasmLocation }) : variant);
}
