using FakeApiServer.Admission;
using FakeApiServer.Api.Selectors;

namespace FakeApiServer.Registry;

/// <summary>Create, update and patch options (metav1.CreateOptions / UpdateOptions / PatchOptions).</summary>
/// <param name="DryRun">dryRun=All: everything runs, nothing is stored.</param>
/// <param name="FieldManager">
/// Who the write is recorded for in metadata.managedFields: the fieldManager parameter, else the User-Agent prefix.
/// Null for the server's own writes (controllers, bootstrap), which leave managedFields as they are.
/// </param>
internal sealed record WriteOptions(bool DryRun = false, string? FieldManager = null)
{
    /// <summary>The subresource written ("" for the resource itself), recorded in managedFields entries.</summary>
    public string Subresource { get; init; } = "";

    /// <summary>force=true of server-side apply: conflicting fields change hands instead of failing.</summary>
    public bool Force { get; init; }

    /// <summary>Where warnings for the client go (admission webhooks' warnings become Warning headers).</summary>
    public IWarningSink Warnings { get; init; } = NoWarnings.Instance;

    /// <summary>Who writes (checked by <see cref="ResourceDefinition.WriteAuthorization"/>); null for the server's own writes.</summary>
    public Security.UserInfo? User { get; init; }
}

/// <summary>metav1.DeleteOptions, from the body or the query.</summary>
internal sealed record DeleteOptions
{
    public long? GracePeriodSeconds { get; init; }

    public string? PropagationPolicy { get; init; }

    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Where warnings for the client go (admission webhooks' warnings become Warning headers).</summary>
    public IWarningSink Warnings { get; init; } = NoWarnings.Instance;
}

/// <summary>metav1.ListOptions as list, watch and deletecollection use them.</summary>
internal sealed record ListOptions
{
    public LabelSelector Labels { get; init; } = LabelSelector.Parse(null);

    public FieldSelector Fields { get; init; } = FieldSelector.Parse(null);

    public long? Limit { get; init; }

    public string? Continue { get; init; }

    public string? ResourceVersion { get; init; }

    public string? ResourceVersionMatch { get; init; }

    public bool Watch { get; init; }

    public bool AllowWatchBookmarks { get; init; }

    public bool? SendInitialEvents { get; init; }

    public long? TimeoutSeconds { get; init; }
}
