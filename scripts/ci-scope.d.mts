export function scopeOf(paths: readonly string[]): 'content' | 'generator';
export function changedFiles(env: Record<string, string | undefined>, git?: (args: string[]) => string): string[] | undefined;
