/**
 * The DICOM ports the inventory commands look at: the well-known ones (DICOM PS3.15 Annex / IANA: 104 `acr-nema`,
 * 11112 `dicom`, 2761 `dicom-iscl`, 2762 `dicom-tls`; 4242, Orthanc's default DICOM port) plus the user's `--ports`,
 * which add to them (an audit must never miss the standard ports because a site port was named).
 */
export const DICOM_PORTS: readonly number[] = [104, 11112, 2761, 2762, 4242];

/** Service names tools print when they resolve ports (`lsof` without -P, `netstat`/`ss` without -n): /etc/services. */
export const DICOM_SERVICE_NAMES: Readonly<Record<string, number>> = {
  'acr-nema': 104,
  dicom: 11112,
  'dicom-iscl': 2761,
  'dicom-tls': 2762,
};

/** The ports to report: the well-known set plus `extra`, de-duplicated, in that order. */
export function dicomPorts(extra: readonly number[] = []): number[] {
  return [...new Set([...DICOM_PORTS, ...extra])];
}
