/**
 * Cloud names, token scopes and the ARM target (endpoint + audience) for the known clouds, where no request is needed.
 * The metadata discovery for other endpoints is covered end to end in test/e2e/requests.test.ts.
 */
import assert from "node:assert/strict";
import { CLOUDS, cloudByEndpoint, cloudByName, scopeFor } from "../../src/providers/clouds.ts";
import { resolveArmTarget } from "../../src/providers/azure.ts";
import { UsageError } from "../../src/core/errors.ts";

describe("clouds: az names, audiences, targets", () => {
  it("knows az's three clouds with their ARM endpoint, audience and sign-in host", () => {
    assert.deepEqual(CLOUDS.map((c) => [c.name, c.resourceManager, c.audience, c.authorityHost]), [
      ["AzureCloud", "https://management.azure.com", "https://management.core.windows.net/", "https://login.microsoftonline.com"],
      ["AzureUSGovernment", "https://management.usgovcloudapi.net", "https://management.core.usgovcloudapi.net/", "https://login.microsoftonline.us"],
      ["AzureChinaCloud", "https://management.chinacloudapi.cn", "https://management.core.chinacloudapi.cn/", "https://login.chinacloudapi.cn"],
    ]);
  });

  it("names are case-insensitive; a typo or a cut-short name gets a did-you-mean; AzureGermanCloud is retired", () => {
    assert.equal(cloudByName("azureusgovernment").name, "AzureUSGovernment");
    assert.throws(() => cloudByName("AzureUSGov"), (e: Error) => e instanceof UsageError && /did you mean AzureUSGovernment\?/.test(e.message));
    assert.throws(() => cloudByName("AzurChinaCloud"), /did you mean AzureChinaCloud\?/);
    assert.throws(() => cloudByName("Mars"), (e: Error) => /unknown cloud 'Mars'$/.test(e.message));
    assert.throws(() => cloudByName("AzureGermanCloud"), /closed on 29 October 2021/);
  });

  it("the scope keeps the audience exactly (az's rule: resource + /.default)", () => {
    assert.equal(scopeFor("https://management.core.windows.net/"), "https://management.core.windows.net//.default");
    assert.equal(scopeFor("https://management.azure.com"), "https://management.azure.com/.default");
  });

  it("a known cloud's endpoint is recognised by its host, whatever the path or case", () => {
    assert.equal(cloudByEndpoint("https://MANAGEMENT.usgovcloudapi.net/")?.name, "AzureUSGovernment");
    assert.equal(cloudByEndpoint("https://127.0.0.1:8443"), undefined);
  });

  it("targets: default public, --cloud, AKS_NET_CLOUD, a known host, and contradictions", async () => {
    const env = {};
    assert.deepEqual(await resolveArmTarget({ env }), { endpoint: "https://management.azure.com", audience: "https://management.core.windows.net/", authorityHost: "https://login.microsoftonline.com", cloud: "AzureCloud" });
    assert.equal((await resolveArmTarget({ env, cloud: "AzureChinaCloud" })).endpoint, "https://management.chinacloudapi.cn");
    assert.equal((await resolveArmTarget({ env: { AKS_NET_CLOUD: "AzureUSGovernment" } })).audience, "https://management.core.usgovcloudapi.net/");
    const byHost = await resolveArmTarget({ env, armEndpoint: "https://management.usgovcloudapi.net/" });
    assert.equal(byHost.cloud, "AzureUSGovernment");
    assert.equal(byHost.audience, "https://management.core.usgovcloudapi.net/");
    await assert.rejects(resolveArmTarget({ env, cloud: "AzureUSGovernment", armEndpoint: "https://management.azure.com" }), /--cloud AzureUSGovernment does not match the ARM endpoint https:\/\/management\.azure\.com, which serves AzureCloud/);
    await assert.rejects(resolveArmTarget({ env, armEndpoint: "http://management.azure.com" }), /must be an https:\/\/ URL/);
    await assert.rejects(resolveArmTarget({ env: { AKS_NET_ARM_AUDIENCE: "x y" }, armEndpoint: "https://127.0.0.1:1" }), /AKS_NET_ARM_AUDIENCE is not a token audience/);
    // An explicit audience for a foreign host needs no discovery (nothing listens on port 1).
    assert.equal((await resolveArmTarget({ env: { AKS_NET_ARM_AUDIENCE: "https://management.core.windows.net/" }, armEndpoint: "https://127.0.0.1:1" })).audience, "https://management.core.windows.net/");
  });
});
