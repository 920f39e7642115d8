using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Autoscaling.HorizontalPodAutoscalers;

/// <summary>
/// HorizontalPodAutoscalers as kube-apiserver's printHorizontalPodAutoscaler: NAME REFERENCE (kind/name) TARGETS
/// MINPODS MAXPODS REPLICAS AGE. TARGETS lists at most two metrics as "cpu: current/target" ("&lt;unknown&gt;" before the
/// controller measured, "&lt;none&gt;" without metrics), then " + N more...". Reads the v2 form and v1's cpu target alike.
/// </summary>
internal static class HorizontalPodAutoscalerTable
{
    private const int MaxTargets = 2;

    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Reference", "string", typeof(V2HorizontalPodAutoscalerSpec), "ScaleTargetRef"),
            (o, _) => TableCells.GetString(o, "spec", "scaleTargetRef", "kind") + "/" + TableCells.GetString(o, "spec", "scaleTargetRef", "name")),
        new(ColumnTable.Column("Targets", "string", typeof(V2HorizontalPodAutoscalerSpec), "Metrics"), (o, _) => Targets(o)),
        new(ColumnTable.Column("MinPods", "string", typeof(V2HorizontalPodAutoscalerSpec), "MinReplicas"), (o, _) => TableCells.GetInt64(o, "spec", "minReplicas") is { } min ? min : "<unset>"),
        new(ColumnTable.Column("MaxPods", "integer", typeof(V2HorizontalPodAutoscalerSpec), "MaxReplicas"), (o, _) => TableCells.GetInt64(o, "spec", "maxReplicas") ?? 0),
        new(ColumnTable.Column("Replicas", "string", typeof(V2HorizontalPodAutoscalerStatus), "CurrentReplicas"), (o, _) => TableCells.GetInt64(o, "status", "currentReplicas") ?? 0),
        ColumnTable.Age);

    private static string Targets(JsonObject hpa)
    {
        if (TableCells.GetInt64(hpa, "spec", "targetCPUUtilizationPercentage") is { } v1Target)
        {
            var current = TableCells.GetInt64(hpa, "status", "currentCPUUtilizationPercentage") is { } c ? TableCells.Invariant($"{c}%") : TableCells.Unknown;
            return TableCells.Invariant($"cpu: {current}/{v1Target}%");
        }

        var specs = TableCells.Objects(hpa, "spec", "metrics");
        if (specs.Count == 0)
        {
            return TableCells.None;
        }

        var statuses = TableCells.Objects(hpa, "status", "currentMetrics");
        var list = new List<string>();
        for (var i = 0; i < specs.Count && list.Count < MaxTargets; i++)
        {
            list.Add(Target(specs[i], i < statuses.Count ? statuses[i] : null));
        }

        var text = string.Join(", ", list);
        return specs.Count > MaxTargets ? TableCells.Invariant($"{text} + {specs.Count - MaxTargets} more...") : text;
    }

    private static string Target(JsonObject spec, JsonObject? status)
    {
        var type = TableCells.GetString(spec, "type") ?? "";
        var source = type switch
        {
            "Resource" => "resource",
            "ContainerResource" => "containerResource",
            "Pods" => "pods",
            "Object" => "object",
            "External" => "external",
            _ => "",
        };
        var target = TableCells.Get(spec, source, "target");
        var current = TableCells.Get(status, source, "current");
        string Value(JsonNode? node, string field, string suffix) =>
            TableCells.Get(node, field) is JsonValue v ? v.ToString() + suffix : TableCells.Unknown;

        var name = TableCells.GetString(spec, source, "name") ?? TableCells.GetString(spec, source, "metric", "name") ?? "";
        if (TableCells.Get(target, "averageUtilization") is not null)
        {
            return $"{name}: {Value(current, "averageUtilization", "%")}/{Value(target, "averageUtilization", "%")}";
        }

        var field = TableCells.Get(target, "averageValue") is not null ? "averageValue" : "value";
        var text = $"{Value(current, field, "")}/{Value(target, field, "")}";
        return type is "Resource" or "ContainerResource" ? name + ": " + text : text;
    }
}
