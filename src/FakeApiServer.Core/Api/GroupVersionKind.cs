namespace FakeApiServer.Api;

/// <summary>A kind in one version of its group, as upstream's schema.GroupVersionKind ("" is the core group).</summary>
internal readonly record struct GroupVersionKind(string Group, string Version, string Kind);
