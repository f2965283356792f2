/**
 * Azure regions by programmatic name (`az account list-locations --query "[].name"`, physical regions), for the
 * offline region check (LOC-01). Public cloud as of 2026, plus Azure Government and Azure operated by 21Vianet (China).
 * A region newer than this list is refused offline; `validate --live` checks the subscription's own list instead.
 */
export const REGIONS: readonly string[] = [
  // Public cloud.
  "australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "austriaeast", "belgiumcentral",
  "brazilsouth", "brazilsoutheast", "canadacentral", "canadaeast", "centralindia", "centralus", "centraluseuap",
  "chilecentral", "denmarkeast", "eastasia", "eastus", "eastus2", "eastus2euap", "francecentral", "francesouth",
  "germanynorth", "germanywestcentral", "indonesiacentral", "israelcentral", "israelnorthwest", "italynorth",
  "japaneast", "japanwest", "jioindiacentral", "jioindiawest", "koreacentral", "koreasouth", "malaysiasouth",
  "malaysiawest", "mexicocentral", "newzealandnorth", "northcentralus", "northeurope", "norwayeast", "norwaywest",
  "polandcentral", "qatarcentral", "southafricanorth", "southafricawest", "southcentralus", "southeastasia",
  "southindia", "spaincentral", "swedencentral", "swedensouth", "switzerlandnorth", "switzerlandwest",
  "taiwannorth", "taiwannorthwest", "uaecentral", "uaenorth", "uksouth", "ukwest", "westcentralus", "westeurope",
  "westindia", "westus", "westus2", "westus3",
  // Azure Government.
  "usgovarizona", "usgovtexas", "usgovvirginia", "usdodcentral", "usdodeast",
  // Azure operated by 21Vianet.
  "chinaeast", "chinaeast2", "chinaeast3", "chinanorth", "chinanorth2", "chinanorth3",
];

/**
 * Regions with availability zones (three each: "1", "2", "3"), from Microsoft Learn's regions list
 * (https://learn.microsoft.com/azure/reliability/regions-list, "Availability zones" column), for the offline zone
 * check (ZONE-02). `validate --live` reads the zones a VM size has in the region instead (LIVE-ZONE-01).
 */
export const ZONAL_REGIONS: readonly string[] = [
  "australiaeast", "austriaeast", "belgiumcentral", "brazilsouth", "canadacentral", "centralindia", "centralus",
  "chilecentral", "denmarkeast", "eastasia", "eastus", "eastus2", "francecentral", "germanywestcentral",
  "indonesiacentral", "israelcentral", "italynorth", "japaneast", "japanwest", "koreacentral", "malaysiawest",
  "mexicocentral", "newzealandnorth", "northeurope", "norwayeast", "polandcentral", "qatarcentral", "southafricanorth",
  "southcentralus", "southeastasia", "spaincentral", "swedencentral", "switzerlandnorth", "uaenorth", "uksouth",
  "westeurope", "westus2", "westus3",
  // Azure Government, Azure operated by 21Vianet.
  "usgovvirginia", "chinanorth3",
];

/** The zones every zonal region offers: zone-redundant resources list all three. */
export const ALL_ZONES: readonly string[] = ["1", "2", "3"];

/** True when any pool lists zones: the public IPs and firewall aks-net builds are then zone-redundant. */
export function anyZonalPool(pools: readonly { availabilityZones?: unknown }[] | undefined): boolean {
  return (Array.isArray(pools) ? pools : []).some((p) => Array.isArray(p?.availabilityZones) && p.availabilityZones.length > 0);
}
