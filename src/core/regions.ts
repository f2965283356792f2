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
