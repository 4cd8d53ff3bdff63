// Types of scripts/build.js (plain JavaScript: `npm start` runs it with node alone).
export declare function build(opts?: { log?: (line: string) => void }): Promise<string>;
