import type { Messages } from './messages';

const de: Messages = {};

export default de;
