import type { Messages } from './messages';

const es: Messages = {};

export default es;
