// Named connection profiles (`profile=`): defaults for the connection keys and the keys each
// one requires, so a user picks "losant" instead of remembering port, TLS and topic rules.
// A key given explicitly always wins over the profile's default. Secrets (passwords, access
// secrets) never live here: they come from secrets.json (a git-ignored manifest, see
// secrets.example.json) or the command line, and are never logged.

export interface Profile {
  readonly name: string;
  readonly help: string;
  /** Config keys' defaults under this profile, as mcconfig would pass them. */
  readonly defaults: Readonly<Record<string, string | number>>;
  /** Keys that must be given under this profile, with what they mean there. */
  readonly requires: Readonly<Record<string, string>>;
}

export const PROFILES: readonly Profile[] = Object.freeze([
  Object.freeze({
    name: "local",
    help: "a broker on the local network: plain TCP, port 1883, anonymous unless mqtt_user is given",
    defaults: Object.freeze({}),
    requires: Object.freeze({}),
  }),
  Object.freeze({
    name: "tls",
    help: "a broker over TLS (port 8883) with a user name and password",
    defaults: Object.freeze({ mqtt_tls: 1, mqtt_port: 8883 }),
    requires: Object.freeze({ mqtt_user: "the broker user name", mqtt_password: "the broker password" }),
  }),
  Object.freeze({
    name: "losant",
    help: "Losant: device id as client id, access key and secret as user and password, TLS, losant/<device id>/state and /command",
    defaults: Object.freeze({ mqtt_host: "broker.losant.com", mqtt_port: 8883, mqtt_tls: 1, payload_format: "losant" }),
    requires: Object.freeze({
      mqtt_client_id: "the Losant device id",
      mqtt_user: "the Losant access key",
      mqtt_password: "the Losant access secret",
    }),
  }),
]);

export function profileNamed(name: string): Profile | undefined {
  return PROFILES.find((p) => p.name === name);
}
