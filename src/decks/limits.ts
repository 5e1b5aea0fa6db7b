/** The limits of server decks (README "How hosts make a deck" lists them). */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
export const MAX_DECLARED_SIDE = 8192;
/** About 16.7 MP (4096²): each decoded megapixel costs sharp about 3-4 MB. */
export const MAX_INPUT_PIXELS = 4096 * 4096;
export const MAX_INPUT_FRAMES = 100;
export const MAX_MOTION_FRAMES = 8;
export const MIN_MOTION_FRAMES = 2;
/** The stored copy's longest side. */
export const STORED_SIDE = 1024;
export const DOWNLOAD_TIMEOUT_MS = 10_000;
export const MAX_REDIRECTS = 3;

export const MAX_ITEMS_PER_DECK = 200;
export const MAX_DECKS_PER_SERVER = 20;
export const MAX_BYTES_PER_SERVER = 50 * 1024 * 1024;

/** A zip export/import: at most this many entries and bytes once unpacked. */
export const MAX_ZIP_ENTRIES = MAX_ITEMS_PER_DECK + 1;
export const MAX_ZIP_BYTES = MAX_BYTES_PER_SERVER;

export const DECLARED_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

/** The platforms' own file hosts: nothing else is fetched unless ATTACHMENT_HOSTS says so. */
export const DISCORD_FILE_HOSTS = ['cdn.discordapp.com', 'media.discordapp.net'];
export const SLACK_FILE_HOSTS = ['files.slack.com'];
