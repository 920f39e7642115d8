using System.Text.Json.Nodes;

namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>What the checks look at: the metadata and spec of a pod, or of a workload's pod template.</summary>
internal readonly record struct PodTemplate(JsonObject Metadata, JsonObject Spec);
