/** The published advisory's Sentinel hunt, exactly as written (DESIGN.md), without a trailing newline. */
export const ADVISORY_KQL = `let DICOMPort = 104;
NetworkEvent
| where DestinationPort == DICOMPort
| where ipv4_is_private(SourceIP) == false
| project TimeGenerated, SourceIP, DestinationIP, DeviceName, OriginalProtocol
| summarize count() by SourceIP, DestinationIP, bin(TimeGenerated, 1h)
| order by count_ desc`;
