using System.Text.Json.Nodes;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// CustomResourceDefinitions with real kubectl: apply of a CRD then at once of a custom resource, printer columns,
/// explain, schema validation, defaults and pruning, scale and status subresources, the Multus NetworkAttachmentDefinition
/// fixture with the multi-network example, and deletion of a CRD with its custom resources.
/// </summary>
public sealed class CustomResourceTests
{
    private const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
            categories: [all]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
              scale:
                specReplicasPath: .spec.replicas
                statusReplicasPath: .status.replicas
            additionalPrinterColumns:
            - name: Color
              type: string
              jsonPath: .spec.color
            - name: Replicas
              type: integer
              jsonPath: .spec.replicas
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                description: A widget for the end-to-end tests.
                properties:
                  spec:
                    type: object
                    description: What the widget should be.
                    required: [color]
                    properties:
                      color:
                        type: string
                        description: The colour of the widget.
                        enum: [red, blue, green]
                      size:
                        type: string
                        pattern: '^[0-9]+(cm|m)$'
                        default: 10cm
                      replicas:
                        type: integer
                        minimum: 0
                        default: 1
                  status:
                    type: object
                    properties:
                      replicas:
                        type: integer
                      phase:
                        type: string
        """;

    private static string Widget(string name, string spec) => $"""
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: {name}
        spec:
        {spec}
        """;

    private static async Task<Kubectl> WithWidgetCrdAsync(FakeCluster cluster, string version)
    {
        var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("crd.yaml", WidgetCrd))).Succeeded();
        return kubectl;
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_of_a_crd_then_at_once_of_a_custom_resource_works_and_get_shows_the_printer_columns(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var crd = (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("crd.yaml", WidgetCrd))).Succeeded();
        var cr = (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("one.yaml", Widget("one", "  color: blue")))).Succeeded();
        var get = (await kubectl.RunAsync("get", "widgets")).Succeeded();
        var shortName = (await kubectl.RunAsync("get", "wd", "one")).Succeeded();

        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n", crd.Stdout);
        Assert.Equal("widget.example.com/one created\n", cr.Stdout);
        Assert.Equal(["NAME", "COLOR", "REPLICAS", "AGE"], get.Header());
        Assert.Equal(["one", "blue", "1"], get.Row("one").Take(3));
        Assert.Equal(["one", "blue", "1"], shortName.Row("one").Take(3));
        var crds = (await kubectl.RunAsync("get", "crd")).Succeeded();
        Assert.Equal(["NAME", "CREATED AT"], crds.Header());
        var all = (await kubectl.RunAsync("get", "all", "-o", "name")).Succeeded();
        Assert.Contains("widget.example.com/one", all.Lines);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Explain_shows_the_schema_of_a_custom_resource(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = await WithWidgetCrdAsync(cluster, version);

        var explain = (await kubectl.RunAsync("explain", "widgets.spec")).Succeeded();

        Assert.Contains("What the widget should be.", explain.Stdout, StringComparison.Ordinal);
        Assert.Contains("The colour of the widget.", explain.Stdout, StringComparison.Ordinal);
        Assert.Contains(explain.Lines, l => l.StartsWith("color", StringComparison.Ordinal) && l.Contains("-required-", StringComparison.Ordinal));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Client_side_apply_of_an_edited_custom_resource_sends_a_merge_patch_that_is_accepted(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = await WithWidgetCrdAsync(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("one.yaml", Widget("one", "  color: red")))).Succeeded();

        var edited = (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("one.yaml", Widget("one", "  color: blue\n  replicas: 2")))).Succeeded();
        var one = JsonNode.Parse((await kubectl.RunAsync("get", "widget", "one", "-o", "json")).Succeeded().Stdout)!;

        Assert.Contains("widget.example.com/one configured", edited.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", edited.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("blue", (string?)one["spec"]!["color"]);
        Assert.Equal(2, (int?)one["spec"]!["replicas"]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Invalid_custom_resources_are_refused_naming_the_field(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = await WithWidgetCrdAsync(cluster, version);

        var wrongType = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("a.yaml", Widget("a", "  color: red\n  replicas: three")));
        var missing = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("b.yaml", Widget("b", "  size: 1m")));
        var notInEnum = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("c.yaml", Widget("c", "  color: pink")));
        var pattern = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("d.yaml", Widget("d", "  color: red\n  size: huge")));

        AssertInvalid(wrongType, "a", "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
        AssertInvalid(missing, "b", "spec.color: Required value");
        AssertInvalid(notInEnum, "c", "spec.color: Unsupported value: \"pink\": supported values: \"red\", \"blue\", \"green\"");
        AssertInvalid(pattern, "d", "spec.size: Invalid value: \"huge\": spec.size in body should match '^[0-9]+(cm|m)$'");
    }

    private static void AssertInvalid(KubectlResult result, string name, string cause)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"The Widget \"{name}\" is invalid: {cause}", result.Stderr, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Defaults_appear_on_create_and_unknown_fields_are_pruned(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = await WithWidgetCrdAsync(cluster, version);

        (await kubectl.RunAsync("create", "--validate=false", "-f", kubectl.WriteFile("one.yaml", Widget("one", "  color: red\n  colour: typo")))).Succeeded();
        var strict = await kubectl.RunAsync("create", "-f", kubectl.WriteFile("two.yaml", Widget("two", "  color: red\n  colour: typo")));
        var one = JsonNode.Parse((await kubectl.RunAsync("get", "widget", "one", "-o", "json")).Succeeded().Stdout)!;

        Assert.Equal("10cm", (string?)one["spec"]!["size"]);
        Assert.Equal(1, (int?)one["spec"]!["replicas"]);
        Assert.Null(one["spec"]!["colour"]);
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("unknown field \"spec.colour\"", strict.Stderr, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Scale_works_and_the_status_subresource_ignores_spec_changes(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = await WithWidgetCrdAsync(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("one.yaml", Widget("one", "  color: red")))).Succeeded();

        var scale = (await kubectl.RunAsync("scale", "widget", "one", "--replicas=3")).Succeeded();
        (await kubectl.RunAsync("patch", "widget", "one", "--subresource=status", "--type=merge", "-p",
            """{"spec":{"color":"green"},"status":{"phase":"Ready","replicas":3}}""")).Succeeded();
        var one = JsonNode.Parse((await kubectl.RunAsync("get", "widget", "one", "-o", "json")).Succeeded().Stdout)!;

        Assert.Equal("widget.example.com/one scaled\n", scale.Stdout);
        Assert.Equal(3, (int?)one["spec"]!["replicas"]);
        Assert.Equal("red", (string?)one["spec"]!["color"]);
        Assert.Equal("Ready", (string?)one["status"]!["phase"]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Network_attachment_definition_example_applies_after_the_crd_fixture(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var fixture = kubectl.WriteFile("nad-crd.yaml", File.ReadAllText(FindUp("fixtures", "crds", "network-attachment-definitions.yaml")
            ?? throw new FileNotFoundException("fixtures/crds/network-attachment-definitions.yaml")));
        var example = kubectl.WriteFile("01-macvlan-nad.yaml", FindUp("shared", "examples", "multinetwork", "01-macvlan-nad.yaml") is { } path
            ? File.ReadAllText(path)
            : MacvlanNad);

        var crd = (await kubectl.RunAsync("apply", "-f", fixture)).Succeeded();
        var nad = (await kubectl.RunAsync("apply", "-f", example)).Succeeded();
        var get = (await kubectl.RunAsync("get", "net-attach-def")).Succeeded();
        var config = (await kubectl.RunAsync("get", "network-attachment-definitions", "macvlan-nad", "-o", "jsonpath={.spec.config}")).Succeeded();

        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/network-attachment-definitions.k8s.cni.cncf.io created\n", crd.Stdout);
        Assert.Equal("networkattachmentdefinition.k8s.cni.cncf.io/macvlan-nad created\n", nad.Stdout);
        Assert.Equal(["NAME", "AGE"], get.Header());
        Assert.Equal("macvlan-nad", get.Row("macvlan-nad")[0]);
        Assert.Contains("\"type\": \"macvlan\"", config.Stdout, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Deleting_the_crd_removes_its_custom_resources_and_the_kind(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = await WithWidgetCrdAsync(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("one.yaml", Widget("one", "  color: red")))).Succeeded();

        var delete = (await kubectl.RunAsync("delete", "crd", "widgets.example.com")).Succeeded();
        var get = await kubectl.RunAsync("get", "widgets");
        var resources = (await kubectl.RunAsync("api-resources", "--api-group=example.com")).Succeeded();

        Assert.Equal("customresourcedefinition.apiextensions.k8s.io \"widgets.example.com\" deleted\n", delete.Stdout);
        Assert.Equal(1, get.ExitCode);
        // kubectl's discovery cache still names the kind, so the list reaches the server, which no longer serves it (as upstream).
        Assert.True(get.Stderr.Contains("Unable to list \"example.com/v1, Resource=widgets\": the server could not find the requested resource", StringComparison.Ordinal), get.ToString());
        Assert.DoesNotContain("widgets", resources.Stdout, StringComparison.Ordinal);

        // Created again, the kind starts empty: the custom resources were deleted, not hidden.
        (await kubectl.RunAsync("apply", "-f", Path.Combine(kubectl.Folder, "crd.yaml"))).Succeeded();
        var again = await kubectl.RunAsync("get", "widgets", "-o", "name");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("", again.Stdout);
    }

    /// <summary>The example's content, for a checkout without the shared folder.</summary>
    private const string MacvlanNad = """
        apiVersion: "k8s.cni.cncf.io/v1"
        kind: NetworkAttachmentDefinition
        metadata:
          name: macvlan-nad
          namespace: default
        spec:
          config: '{
              "cniVersion": "0.3.0",
              "type": "macvlan",
              "master": "eth0",
              "mode": "bridge",
              "ipam": {
                "type": "host-local",
                "ranges": [
                  [ { "subnet": "169.254.100.0/24" } ],
                  [ { "subnet": "100:100::/64" } ]
                ]
              }
            }'
        """;

    /// <summary>The first file at <paramref name="parts"/> under the test's folder or one of its parents.</summary>
    private static string? FindUp(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine([dir.FullName, .. parts]);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
