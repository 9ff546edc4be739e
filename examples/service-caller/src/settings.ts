import { fileURLToPath } from 'node:url';

const DEFAULT_URL = 'http://localhost:3000';
const DEFAULT_TENANT = 'demo';
/** Beside the program (`examples/service-caller/`), wherever it is started from. */
const DEFAULT_STATE_FILE = fileURLToPath(new URL('../service-caller-state.json', import.meta.url));
const SERVICE_TOKEN_PREFIX = 'pst_';
export const HOW_TO_GET_A_TOKEN =
  'Create a service token on the admin page of the web app (/t/<tenant>/admin), or with ' +
  'tenant.createServiceToken as the README shows under "Calling the API from a service".';

export interface Settings {
  baseUrl: string;
  token: string;
  tenant: string;
  /** Where the id of the last event seen is kept between runs. */
  stateFile: string;
  /** A question to submit before listening, if one was given. */
  question: string | undefined;
}

/** A problem with how the program was started, told to the user as is. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

function tokenFrom(value: string | undefined): string {
  const token = value?.trim();
  if (!token) throw new SettingsError(`PULSESTAGE_TOKEN is not set. ${HOW_TO_GET_A_TOKEN}`);
  if (!token.startsWith(SERVICE_TOKEN_PREFIX)) {
    throw new SettingsError(
      `PULSESTAGE_TOKEN is not a service token (those start with "${SERVICE_TOKEN_PREFIX}"). ${HOW_TO_GET_A_TOKEN}`,
    );
  }
  return token;
}

function baseUrlFrom(value: string | undefined): string {
  const baseUrl = value?.trim() || DEFAULT_URL;
  if (!/^https?:\/\//.test(baseUrl) || !URL.canParse(baseUrl)) {
    throw new SettingsError(`PULSESTAGE_URL is not an http(s) URL such as ${DEFAULT_URL}: "${baseUrl}"`);
  }
  return baseUrl;
}

function questionFrom(args: readonly string[]): string | undefined {
  const question = args.join(' ').trim();
  return question === '' ? undefined : question;
}

/** The settings from the environment and the command line; throws a SettingsError saying what is wrong. */
export function readSettings(env: NodeJS.ProcessEnv, args: readonly string[]): Settings {
  return {
    baseUrl: baseUrlFrom(env.PULSESTAGE_URL),
    token: tokenFrom(env.PULSESTAGE_TOKEN),
    tenant: env.PULSESTAGE_TENANT || DEFAULT_TENANT,
    stateFile: env.PULSESTAGE_STATE_FILE || DEFAULT_STATE_FILE,
    question: questionFrom(args),
  };
}
