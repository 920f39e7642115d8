using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>
/// The default strategy: no generation (<see cref="TracksGeneration"/> is off); for kinds with a status subresource, status is cleared on
/// create and kept from the stored object on main-resource updates. Concrete strategies derive from it and
/// override what their kind changes, as upstream's per-resource strategy.go files do.
/// </summary>
internal class ResourceStrategy : IResourceStrategy
{
    public ResourceStrategy(bool hasStatus) => HasStatus = hasStatus;

    /// <summary>Whether the kind has a status subresource, which owns .status.</summary>
    protected bool HasStatus { get; }

    public virtual bool AllowCreateOnUpdate => false;

    public virtual bool AllowUnconditionalUpdate => true;

    public virtual bool TracksGeneration => false;

    public virtual bool GenerationChanged(JsonObject newObj, JsonObject oldObj) => DesiredState.SpecChanged(newObj, oldObj);

    public virtual void PrepareForCreate(JsonObject obj)
    {
        if (HasStatus)
        {
            obj.Remove("status");
        }
    }

    public virtual IReadOnlyList<FieldError> Validate(JsonObject obj) => [];

    public virtual bool HoldsDeletion(JsonObject obj) => false;

    public virtual void PrepareForDelete(JsonObject obj)
    {
    }

    public virtual void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        if (HasStatus)
        {
            CopyProperty(oldObj, newObj, "status");
        }
    }

    public virtual IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) => Validate(newObj);

    /// <summary>Sets <paramref name="to"/>[property] to a copy of <paramref name="from"/>[property], or removes it.</summary>
    internal static void CopyProperty(JsonObject from, JsonObject to, string property)
    {
        if (from[property] is { } value)
        {
            to[property] = value.DeepClone();
        }
        else
        {
            to.Remove(property);
        }
    }
}

/// <summary>
/// The strategy of a /status subresource, as upstream's status strategies: only .status changes; the stored
/// spec and metadata (labels, annotations, finalizers, owner references) are kept.
/// </summary>
internal class StatusStrategy : IResourceStrategy
{
    public StatusStrategy(IResourceStrategy main) => Main = main;

    protected IResourceStrategy Main { get; }

    public bool AllowCreateOnUpdate => false;

    public bool AllowUnconditionalUpdate => true;

    public void PrepareForCreate(JsonObject obj) => throw new InvalidOperationException("status subresources do not create");

    /// <summary>Off: a status write keeps the stored spec, so it never changes what a generation counts.</summary>
    public virtual bool TracksGeneration => false;

    public virtual bool GenerationChanged(JsonObject newObj, JsonObject oldObj) => DesiredState.SpecChanged(newObj, oldObj);

    public IReadOnlyList<FieldError> Validate(JsonObject obj) => [];

    public bool HoldsDeletion(JsonObject obj) => Main.HoldsDeletion(obj);

    public void PrepareForDelete(JsonObject obj) => Main.PrepareForDelete(obj);

    public virtual void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var status = newObj["status"]?.DeepClone();
        RestoreStored(newObj, oldObj);
        if (status is null)
        {
            newObj.Remove("status");
        }
        else
        {
            newObj["status"] = status;
        }
    }

    /// <summary>Makes <paramref name="newObj"/> a copy of the stored <paramref name="oldObj"/>, keeping only the resourceVersion the write names.</summary>
    protected static void RestoreStored(JsonObject newObj, JsonObject oldObj)
    {
        ArgumentNullException.ThrowIfNull(newObj);
        ArgumentNullException.ThrowIfNull(oldObj);
        var rv = newObj.ResourceVersion();
        newObj.Clear();
        foreach (var (key, value) in oldObj)
        {
            newObj[key] = value?.DeepClone();
        }

        if (rv is null)
        {
            newObj.Metadata().Remove("resourceVersion");
        }
        else
        {
            newObj.Metadata()["resourceVersion"] = rv;
        }
    }

    public virtual IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) => [];
}
