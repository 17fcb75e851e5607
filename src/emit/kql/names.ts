/**
 * Names the emitted KQL gives things: the port `let` (the advisory's `let DICOMPort = 104;`).
 *
 * The advisory names its port list after the service; a rule for another service must not say DICOM (an SMB rule
 * printing `let DICOMPort = 445;` reads as a bug). So the name comes from the rule: `DICOMPort(s)` when every port
 * is one of IANA's DICOM ports, otherwise the rule's name in PascalCase (`smb-external-access` →
 * `SmbExternalAccessPort`).
 */

/** IANA's DICOM ports: 104 (acr-nema), 11112 (dicom), 2761 (dicom-iscl), 2762 (dicom-tls). */
const DICOM_PORTS: ReadonlySet<number> = new Set([104, 2761, 2762, 11112]);

/** Longest stem kept from a rule name: a readable identifier, not a sentence. */
const MAX_STEM = 48;

/** `smb-external_access v2` → `SmbExternalAccessV2`; only ASCII letters and digits survive. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
    .slice(0, MAX_STEM);
}

/**
 * The `let` name for a rule's port list: `DICOMPort`/`DICOMPorts` for DICOM ports, else `<RuleName>Port(s)`.
 * `reserved` holds lower-case names the `let` must not shadow or be shadowed by (columns: Kusto prefers a column
 * over a `let` of the same name); such a name, or a rule name with no letters to start an identifier, gets `Rule`
 * in front.
 */
export function portLetName(ports: readonly number[], ruleName: string, reserved: ReadonlySet<string>): string {
  const suffix = ports.length === 1 ? 'Port' : 'Ports';
  if (ports.length > 0 && ports.every((p) => DICOM_PORTS.has(p))) return `DICOM${suffix}`;
  const stem = pascalCase(ruleName);
  const name = `${stem}${suffix}`;
  return /^[A-Za-z]/.test(stem) && !reserved.has(name.toLowerCase()) ? name : `Rule${name}`;
}
