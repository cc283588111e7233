/**
 * The search tokenizer for the build: the same file the browser bundle uses (assets/js/search-tokens.js),
 * so a word is cut the same way when it is indexed and when it is typed.
 */
export { bucketOf, cardPieceOf, fold, indexTerms, joins, queryWords, rawWords, stem, titleKey, wordParts, wordSpans, type QueryWord } from '../../assets/js/search-tokens.js';
