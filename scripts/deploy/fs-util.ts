/** The file-system and process helpers the deploy modules share live in lib/ (the build's release writer uses them too). */
export { errCode, exists, isAlive } from '../../lib/io/fs-util.ts';
