/**
 * The Windows node administrator (ManagedClusterWindowsProfile in the AKS REST spec): the name's and the password's
 * rules, and the password aks-net generates when the user gives none.
 */
import { randomInt } from "./crypto.ts";

/** The secret's name in plan bodies (core/secrets.ts). */
export const WINDOWS_PASSWORD_SECRET = "windows-admin-password";

/** Where `create` reads the password from, before it generates one. */
export const WINDOWS_PASSWORD_ENV = "AKS_NET_WINDOWS_ADMIN_PASSWORD";

/** AKS's default administrator when none is given (quick-windows-container-deploy-cli.md). */
export const DEFAULT_WINDOWS_ADMIN = "azureuser";

/** adminUsername's disallowed values (AKS REST spec). */
const RESERVED_NAMES = new Set([
  "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser", "adm",
  "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
  "support_388945a0", "sys", "test2", "test3", "user4", "user5",
]);

/** adminPassword's disallowed values (AKS REST spec). */
const RESERVED_PASSWORDS = new Set(["abc@123", "P@$$w0rd", "P@ssw0rd", "P@ssword123", "Pa$$word", "pass@word1", "Password!", "Password1", "Password22", "iloveyou!"]);

/** Why Azure would refuse this administrator name, or undefined: 1-20 characters, not ending in '.', not reserved. */
export function adminUsernameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 20) return `is ${name.length} characters; Azure takes 1 to 20`;
  if (name.endsWith(".")) return "ends in '.', which Azure refuses";
  if (RESERVED_NAMES.has(name.toLowerCase())) return "is a name Azure reserves (admin, administrator, root, guest, user1, ...)";
  if (/[\s"/\\[\]:|<>+=;,?*@]/.test(name)) return "has a character Windows account names cannot hold";
  return undefined;
}

/**
 * Why Azure would refuse this password, or undefined. The REST spec says 8-123 characters with 3 of lower, upper,
 * digit and special; AKS's Windows quickstart asks for at least 14, which is what is enforced here. Never echoes it.
 */
export function adminPasswordProblem(password: string): string | undefined {
  if (password.length < 14 || password.length > 123) return `has ${password.length} characters; it needs 14 to 123`;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[\W_]/].filter((re) => re.test(password)).length;
  if (classes < 3) return "needs three of: a lower-case letter, an upper-case letter, a digit, a special character";
  if (RESERVED_PASSWORDS.has(password)) return "is one of the passwords Azure refuses";
  return undefined;
}

/** 24 characters from a CSPRNG with every character class present (so adminPasswordProblem accepts it). */
export function generateWindowsPassword(): string {
  const sets = ["abcdefghijkmnopqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "!#%+-.:=?@^_~"];
  const all = sets.join("");
  const pick = (s: string): string => s.charAt(randomInt(s.length));
  const chars = [...sets.map(pick), ...Array.from({ length: 20 }, () => pick(all))];
  // Fisher-Yates, so the guaranteed classes do not sit at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join("");
}
