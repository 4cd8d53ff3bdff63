// Types of scripts/fingerprint.js (plain JavaScript: bin/hero-team.js loads it before tsx).
export declare const ROOT: string;
export declare const BUNDLE: string;
export declare const BUILD_INFO: string;
export declare const BUILD_INPUTS: readonly string[];
export declare function fingerprint(extraFiles?: readonly string[]): string;
export declare function freshBundle(env?: NodeJS.ProcessEnv): string | undefined;
export declare function writeAtomic(path: string, data: string | Uint8Array): void;
