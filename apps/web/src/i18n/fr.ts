import type { Messages } from './messages';

const fr: Messages = {};

export default fr;
