using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.Autoscaling.HorizontalPodAutoscalers;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Autoscaling;

/// <summary>autoscaling: HorizontalPodAutoscaler stored as v2 (the preferred version) and served as v1 too, converted.</summary>
internal static class AutoscalingGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        var strategy = new HorizontalPodAutoscalerStrategy();
        var v2 = new ResourceDefinition("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", Namespaced: true)
        {
            ShortNames = ["hpa"],
            Categories = ["all"],
            Strategy = strategy,
            Defaulter = HorizontalPodAutoscalerDefaults.V2,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(strategy)) },
            Table = HorizontalPodAutoscalerTable.Instance,
        };
        yield return v2;
        yield return v2 with
        {
            Version = "v1",
            Defaulter = HorizontalPodAutoscalerDefaults.V1,
            Converter = new HorizontalPodAutoscalerV1Conversion(),
        };
    }
}
