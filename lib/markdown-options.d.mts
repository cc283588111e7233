export const engineOptions: {
  gfm: boolean;
  mangle: boolean;
  headerIds: boolean;
  langPrefix: string;
  highlight: (code: string, lang: string) => string;
};
