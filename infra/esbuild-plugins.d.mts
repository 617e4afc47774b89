import type { Plugin } from "esbuild";

export declare const onlyEnglishZodLocales: Plugin;
declare const plugins: Plugin[];
export default plugins;
