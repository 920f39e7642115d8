using System.Text.Json.Nodes;

namespace FakeApiServer.Tests.Apis.ApiExtensions;

/// <summary>The CRDs the tests use: widgets.example.com with a schema, printer columns, status, scale and two versions.</summary>
internal static class CrdFixtures
{
    public const string Group = "example.com";

    /// <summary>widgets.example.com: v1 (storage) and v1beta1 (served, deprecated), namespaced unless told otherwise.</summary>
    public static JsonObject Widgets(string scope = "Namespaced", bool withBeta = true)
    {
        var versions = new JsonArray(Version("v1", storage: true));
        if (withBeta)
        {
            var beta = Version("v1beta1", storage: false);
            beta["deprecated"] = true;
            versions.Add(beta);
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "widgets." + Group },
            ["spec"] = new JsonObject
            {
                ["group"] = Group,
                ["scope"] = scope,
                ["names"] = new JsonObject
                {
                    ["plural"] = "widgets",
                    ["singular"] = "widget",
                    ["kind"] = "Widget",
                    ["shortNames"] = new JsonArray("wd"),
                    ["categories"] = new JsonArray("all"),
                },
                ["versions"] = versions,
            },
        };
    }

    private static JsonObject Version(string name, bool storage) => JsonNode.Parse("""
        {
          "name": "__NAME__",
          "served": true,
          "storage": __STORAGE__,
          "selectableFields": [{"jsonPath": ".spec.color"}],
          "subresources": {
            "status": {},
            "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector"}
          },
          "additionalPrinterColumns": [
            {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
            {"name": "Ports", "type": "string", "jsonPath": ".spec.ports[*].name", "priority": 1},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
          ],
          "schema": {
            "openAPIV3Schema": {
              "type": "object",
              "description": "A widget.",
              "properties": {
                "spec": {
                  "type": "object",
                  "description": "What the widget should be.",
                  "required": ["color"],
                  "properties": {
                    "color": {"type": "string", "enum": ["red", "blue", "green"], "description": "The colour."},
                    "size": {"type": "string", "pattern": "^[0-9]+(cm|m)$", "default": "10cm"},
                    "replicas": {"type": "integer", "minimum": 0, "default": 1},
                    "ports": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}}
                  }
                },
                "status": {
                  "type": "object",
                  "properties": {
                    "replicas": {"type": "integer"},
                    "selector": {"type": "string"},
                    "phase": {"type": "string"}
                  }
                }
              }
            }
          }
        }
        """.Replace("__NAME__", name, StringComparison.Ordinal).Replace("__STORAGE__", storage ? "true" : "false", StringComparison.Ordinal))!.AsObject();

    /// <summary>A Widget with the given spec fields.</summary>
    public static JsonObject Widget(string name, string apiVersion = Group + "/v1", string? ns = "default", string color = "red") => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = "Widget",
        ["metadata"] = ns is null ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["color"] = color },
    };
}
