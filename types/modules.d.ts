// jstransformer-handlebars ships no types.
declare module 'jstransformer-handlebars' {
  const transformer: { name: string; inputFormats: string[]; outputFormat: string };
  export default transformer;
}
