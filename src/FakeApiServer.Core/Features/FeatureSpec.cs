namespace FakeApiServer.Features;

/// <summary>
/// The maturity of a feature (component-base featuregate.prerelease). <see cref="FeatureStages.Label"/> gives the text
/// kube-apiserver writes in the stage label of kubernetes_feature_enabled.
/// </summary>
public enum FeatureStage
{
    Alpha,
    Beta,
    GA,
    Deprecated,
}

/// <summary>One row of the gate table (component-base featuregate.FeatureSpec).</summary>
/// <param name="Name">The gate's name, e.g. MultiNetwork.</param>
/// <param name="Stage">Alpha, Beta, GA or Deprecated.</param>
/// <param name="Default">Whether the feature is on when --feature-gates does not name it.</param>
/// <param name="LockToDefault">Whether setting it to anything but <paramref name="Default"/> is refused.</param>
public sealed record FeatureSpec(string Name, FeatureStage Stage, bool Default, bool LockToDefault = false);

/// <summary>Texts of <see cref="FeatureStage"/>.</summary>
public static class FeatureStages
{
    /// <summary>The prerelease string upstream uses: ALPHA, BETA, "" for GA, DEPRECATED.</summary>
    public static string Label(this FeatureStage stage) => stage switch
    {
        FeatureStage.Alpha => "ALPHA",
        FeatureStage.Beta => "BETA",
        FeatureStage.Deprecated => "DEPRECATED",
        _ => "",
    };
}
