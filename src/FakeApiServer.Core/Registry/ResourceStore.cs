using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Api;
using FakeApiServer.Registry.ManagedFields;
using FakeApiServer.Registry.Validation;
using FakeApiServer.Schema;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>
/// The generic registry of one resource, as kube-apiserver's registry.Store: server-set metadata,
/// resourceVersion preconditions and the update retry loop, strategies, finalizers and dry-run, over the
/// revisioned store. HTTP handlers and controllers both write through it.
/// </summary>
internal sealed class ResourceStore
{
    /// <summary>How often generateName retries on a name clash before giving up, as upstream's maxNameGenerationCreateAttempts.</summary>
    private const int MaxNameGenerationAttempts = 8;

    private readonly IRevisionedStore _store;
    private readonly TimeProvider _time;
    private readonly NameGenerator _names;
    private readonly AdmissionChain _admission;
    private readonly ISchemaProvider _schemas;
    private readonly ManagedFieldsTracker _managedFields;
    private readonly UidGenerator _uids = new();

    public ResourceStore(
        ResourceDefinition definition, IRevisionedStore store, TimeProvider time, NameGenerator names, AdmissionChain admission, ISchemaProvider schemas)
    {
        Definition = definition;
        _schemas = schemas;
        _store = store;
        _time = time;
        _names = names;
        _admission = admission;
        _managedFields = new ManagedFieldsTracker(time);
    }

    public ResourceDefinition Definition { get; }

    /// <summary>The kind's structural schema (merge keys, list types, known fields), or null when it has none.</summary>
    public StructuralSchema? Schema => _schemas.SchemaFor(Definition.Group, Definition.Version, Definition.Kind);

    private GroupResource Resource => Definition.GroupResource;

    /// <summary>Reads one object from the latest committed state.</summary>
    public StoredObject Get(string ns, string name) =>
        _store.Latest.Get(Definition.Key(ns, name)) ?? throw ApiException.NotFound(Resource, name);

    public StoredObject? TryGet(string ns, string name) => _store.Latest.Get(Definition.Key(ns, name));

    /// <summary>The object, or null; when this replica's cache has none, after the cache caught up with the store (see <see cref="LatestOrConsistentAsync"/>).</summary>
    public ValueTask<StoredObject?> TryGetConsistentAsync(string ns, string name, CancellationToken cancellationToken) =>
        LatestOrConsistentAsync(Definition.Key(ns, name), cancellationToken);

    /// <summary>Creates an object. <paramref name="obj"/> is owned by the call from here on.</summary>
    public Task<StoredObject> CreateAsync(string ns, JsonObject obj, WriteOptions options, CancellationToken cancellationToken) =>
        CreateAsync(ns, obj, options, applied: false, cancellationToken);

    /// <summary>
    /// Server-side apply of <paramref name="config"/> (the parsed apply patch) to the named object, which is created
    /// when missing (Created is then true, and the answer 201). The merge, conflicts and managedFields come from
    /// <see cref="ManagedFieldsTracker.Apply"/>; the strategy, validation and preconditions are those of any write.
    /// </summary>
    public async Task<(StoredObject Object, bool Created)> ApplyAsync(
        string ns, string name, JsonObject config, IResourceStrategy strategy, WriteOptions options, CancellationToken cancellationToken)
    {
        var context = FieldManagerContextFor(options) ?? throw new ArgumentException("an apply needs a field manager", nameof(options));
        var apiVersion = config.GetString("apiVersion") ?? "";
        if (apiVersion != Definition.ApiVersion)
        {
            throw ApiException.BadRequest(
                $"Incorrect version specified in apply patch. Specified patch version: {apiVersion}, expected: {Definition.ApiVersion}");
        }

        if (config.GetString("kind") is var kind && kind != Definition.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({Definition.Kind})");
        }

        if (config["metadata"] is JsonObject configMeta && configMeta.ContainsKey("managedFields"))
        {
            throw ApiException.BadRequest("metadata.managedFields must be nil");
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryGet(ns, name) is not null || options.Subresource.Length > 0)
            {
                try
                {
                    var updated = await UpdateAsync(ns, name, current =>
                    {
                        // As for other patches: a resourceVersion in the result comes from the configuration alone (a precondition).
                        current.Metadata().Remove("resourceVersion");
                        return _managedFields.Apply(current, config, options.Force, context);
                    }, strategy, options, applied: true, cancellationToken);
                    return (updated, false);
                }
                catch (ApiException e) when (e.Code == 404 && options.Subresource.Length == 0)
                {
                    // Deleted since the read: create it, as the apply of a missing object does.
                }
            }

            var created = _managedFields.Apply(new JsonObject(), config, options.Force, context);
            var meta = created.Metadata();
            if (string.IsNullOrEmpty(meta.GetString("name")))
            {
                meta["name"] = name;
            }
            else if (meta.GetString("name") != name)
            {
                throw ApiException.BadRequest($"the name of the object ({meta.GetString("name")}) does not match the name on the URL ({name})");
            }

            try
            {
                return (await CreateAsync(ns, created, options, applied: true, cancellationToken), true);
            }
            catch (ApiException e) when (e.Reason == "AlreadyExists")
            {
                // Created concurrently: apply to it instead.
            }
        }
    }

    private async Task<StoredObject> CreateAsync(string ns, JsonObject obj, WriteOptions options, bool applied, CancellationToken cancellationToken)
    {
        using var span = Observability.Tracing.ApiServerTracing.StartRegistry("Create", Definition.Plural, ns, obj.Name());
        CheckTypeAndNamespace(obj, ns);
        Definition.Defaulter?.Default(obj);

        // Mutating admission, before the strategy and before a generated name exists (upstream's create handler).
        var admission = Admission(AdmissionOperation.Create, ns, obj.Name(), obj, null, options.Subresource, options.DryRun, options.FieldManager, options.Warnings, options.User);
        await _admission.AdmitAsync(admission, cancellationToken);
        obj = admission.Object!;
        CheckTypeAndNamespace(obj, ns);

        // What mutating admission added is defaulted too, as upstream decodes (and defaults) a webhook's patched object.
        Definition.Defaulter?.Default(obj);
        if (Definition.WriteAuthorization is { } authorization && options.User is { } user)
        {
            authorization.AuthorizeCreate(user, ns, obj);
        }

        obj = Definition.ToStorageVersion(obj);
        var meta = obj.Metadata();
        if (!string.IsNullOrEmpty(meta.GetString("resourceVersion")))
        {
            throw ApiException.BadRequest("resourceVersion should not be set on objects to be created");
        }

        var generateName = meta.GetString("generateName");
        var nameGiven = !string.IsNullOrEmpty(meta.GetString("name"));
        meta["uid"] = _uids.NewUid();
        meta["creationTimestamp"] = ObjectMeta.FormatTime(_time.GetUtcNow());
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("selfLink");
        if (Definition.Strategy is IRequesterStrategy requester && options.User is { } requestUser)
        {
            requester.PrepareRequester(obj, requestUser);
        }

        Definition.Strategy.PrepareForCreate(obj);
        if (Definition.Strategy.TracksGeneration)
        {
            // Only kinds that keep a generation start it at 1 (their PrepareForCreate upstream); others keep what was sent.
            meta["generation"] = 1;
        }
        if (!applied && FieldManagerContextFor(options) is { } context)
        {
            SetManagedFields(meta, _managedFields.Update(null, obj, meta["managedFields"]?.DeepClone(), context));
        }

        for (var attempt = 0; ; attempt++)
        {
            if (!nameGiven && !string.IsNullOrEmpty(generateName))
            {
                meta["name"] = _names.Generate(generateName);
            }

            var errors = ObjectMetaValidation.ValidateObjectMeta(meta, Definition.Namespaced, Definition.NameValidator)
                .Concat(Definition.Strategy.Validate(obj)).ToList();

            // Values allocated for this attempt are held until its write is finished (then the store has them, or nobody does).
            using var allocation = errors.Count == 0 && Definition.Allocator is { } allocator ? allocator.Allocate(obj, _store.Latest) : ResourceAllocation.None;
            errors.AddRange(allocation.Errors);

            if (errors.Count > 0)
            {
                throw ApiException.Invalid(Definition.GroupKind, obj.Name(), errors);
            }

            foreach (var warning in Definition.Strategy.WarningsOnCreate(obj))
            {
                options.Warnings.Add(warning);
            }

            var name = obj.Name();

            // Validating admission, after the strategy validated the object.
            await _admission.ValidateAsync(
                Admission(AdmissionOperation.Create, ns, name, obj, null, options.Subresource, options.DryRun, options.FieldManager, options.Warnings, options.User), cancellationToken);

            var key = Definition.Key(ns, name);
            if (options.DryRun)
            {
                if (_store.Latest.Get(key) is not null)
                {
                    throw ApiException.AlreadyExists(Resource, name);
                }

                return new StoredObject(key, 0, 0, ObjectJson.Serialize(obj));
            }

            var result = await _store.WriteAsync(new WriteRequest(key, WriteKind.Create, 0, rev => ObjectJson.StampAndSerialize(obj, rev)), cancellationToken);
            switch (result.Status)
            {
                case WriteStatus.Ok:
                    return Definition.Hooks is { } hooks ? await hooks.AfterCreateAsync(result.Object!, cancellationToken) : result.Object!;
                case WriteStatus.AlreadyExists when !nameGiven && !string.IsNullOrEmpty(generateName) && attempt < MaxNameGenerationAttempts:
                    continue;
                default:
                    throw ApiException.AlreadyExists(Resource, name);
            }
        }
    }

    /// <summary>
    /// The update retry loop (upstream's GuaranteedUpdate): reads the newest object, lets <paramref name="tryUpdate"/>
    /// build the new one from a copy, applies the strategy and writes with the read revision as precondition.
    /// A conflict is retried unless the new object names a resourceVersion, which is then a client precondition (409).
    /// </summary>
    public Task<StoredObject> UpdateAsync(
        string ns, string name, Func<JsonObject, JsonObject> tryUpdate, IResourceStrategy strategy, WriteOptions options, CancellationToken cancellationToken) =>
        UpdateAsync(ns, name, tryUpdate, strategy, options, applied: false, cancellationToken);

    /// <summary>
    /// <see cref="UpdateAsync(string, string, Func{JsonObject, JsonObject}, IResourceStrategy, WriteOptions, CancellationToken)"/>
    /// for a new object that does not build on the stored one (the body of a PUT): <paramref name="replace"/> may read
    /// the stored object it is given but must not change it, so no copy of it is made for the call.
    /// </summary>
    public Task<StoredObject> ReplaceAsync(
        string ns, string name, Func<JsonObject, JsonObject> replace, IResourceStrategy strategy, WriteOptions options, CancellationToken cancellationToken) =>
        UpdateAsync(ns, name, replace, strategy, options, applied: false, cancellationToken, readsCurrentOnly: true);

    /// <summary>
    /// The update loop; <c>applied</c> says <c>tryUpdate</c> is a server-side apply that already set managedFields.
    /// Otherwise they are recorded here as an Update, after the strategy, so only what the write really changes is owned.
    /// </summary>
    private async Task<StoredObject> UpdateAsync(
        string ns, string name, Func<JsonObject, JsonObject> tryUpdate, IResourceStrategy strategy, WriteOptions options, bool applied,
        CancellationToken cancellationToken, bool readsCurrentOnly = false)
    {
        using var span = Observability.Tracing.ApiServerTracing.StartRegistry("Update", Definition.Plural, ns, name);
        var key = Definition.Key(ns, name);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = await LatestOrConsistentAsync(key, cancellationToken) ?? throw ApiException.NotFound(Resource, name);
            var oldObj = ObjectJson.Parse(current.Value);

            // Upstream decodes the stored object with defaulting too: defaults added since it was written show up alike.
            Definition.Defaulter?.Default(oldObj);
            // The update function builds on a copy (as served); one that only reads the stored object (a PUT) is given it
            // as it is when it is already the served version (a full copy of a parsed and defaulted object is not free).
            var newObj = tryUpdate(readsCurrentOnly && Definition.ServesStoredBytes ? oldObj : Definition.ToServedVersion((JsonObject)oldObj.DeepClone()));
            if (ReferenceEquals(newObj, oldObj))
            {
                throw new InvalidOperationException("a replacement must be a new object, not the stored one");
            }

            CheckTypeAndNamespace(newObj, ns);

            // The body of a PUT, the result of a patch or of an apply is defaulted as a create's body is (upstream decodes
            // each with defaulting), so a write of the original manifest compares equal to the defaulted stored object.
            Definition.Defaulter?.Default(newObj);
            newObj = Definition.ToStorageVersion(newObj, oldObj);
            var newMeta = newObj.Metadata();

            // Taken before the strategy, which may put back the stored metadata (status writes do).
            var requestedManagedFields = newMeta["managedFields"]?.DeepClone();
            if (newMeta.GetString("name") is { } bodyName && bodyName != name)
            {
                throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            newMeta["name"] = name;
            var requestedRv = newMeta.GetString("resourceVersion");
            var currentRv = current.Revision.ToString(CultureInfo.InvariantCulture);
            if (string.IsNullOrEmpty(requestedRv))
            {
                if (!strategy.AllowUnconditionalUpdate)
                {
                    throw ApiException.Invalid(Definition.GroupKind, name,
                        [FieldError.Invalid("metadata.resourceVersion", 0, "must be specified for an update")]);
                }

                newMeta["resourceVersion"] = currentRv;
            }
            else if (requestedRv != currentRv)
            {
                throw ApiException.Conflict(Resource, name);
            }

            var oldMeta = oldObj.Metadata();
            if (string.IsNullOrEmpty(newMeta.GetString("uid")))
            {
                // As upstream's BeforeUpdate: an omitted uid is the stored one; a different one fails validation as immutable.
                newMeta["uid"] = oldMeta["uid"]?.DeepClone();
            }

            foreach (var field in ServerOwnedMetadata)
            {
                if (oldMeta[field] is { } value)
                {
                    newMeta[field] = value.DeepClone();
                }
                else if (field is not ("deletionTimestamp" or "deletionGracePeriodSeconds"))
                {
                    // As upstream's BeforeUpdate: only an existing deletion is kept; one an update adds stays, and
                    // metadata validation refuses it as immutable (a patch cannot start a deletion).
                    newMeta.Remove(field);
                }
            }

            // Mutating admission, before the strategy (upstream's update transformers); pods/binding is a create of a Binding upstream.
            var operation = options.Subresource == "binding" ? AdmissionOperation.Create : AdmissionOperation.Update;
            var admission = Admission(operation, ns, name, newObj, oldObj, options.Subresource, options.DryRun, options.FieldManager, options.Warnings, options.User);
            await _admission.AdmitAsync(admission, cancellationToken);
            newObj = admission.Object!;
            Definition.Defaulter?.Default(newObj);
            if (Definition.WriteAuthorization is { } authorization && options.User is { } user)
            {
                authorization.AuthorizeUpdate(user, ns, newObj, oldObj);
            }

            strategy.PrepareForUpdate(newObj, oldObj);

            // A status strategy rebuilds the object from the stored one, metadata included: read it again.
            newMeta = newObj.Metadata();
            if (strategy.TracksGeneration && strategy.GenerationChanged(newObj, oldObj))
            {
                newMeta["generation"] = (oldMeta.GetInt64("generation") ?? 0) + 1;
            }

            if (FieldManagerContextFor(options) is { } context)
            {
                SetManagedFields(newMeta, applied
                    ? requestedManagedFields as JsonArray
                    : _managedFields.Update(oldObj, newObj, requestedManagedFields, context));
            }

            var errors = new List<FieldError>(ObjectMetaValidation.ValidateObjectMetaUpdate(newMeta, oldMeta));
            errors.AddRange(ObjectMetaValidation.ValidateObjectMeta(newMeta, Definition.Namespaced, Definition.NameValidator));
            errors.AddRange(strategy.ValidateUpdate(newObj, oldObj));
            using var allocation = errors.Count == 0 && Definition.Allocator is { } allocator
                ? allocator.AllocateUpdate(newObj, oldObj, key, _store.Latest)
                : ResourceAllocation.None;
            errors.AddRange(allocation.Errors);
            if (oldObj.HasDeletionTimestamp())
            {
                var added = newObj.Finalizers().Except(oldObj.Finalizers()).ToList();
                if (added.Count > 0)
                {
                    errors.Add(FieldError.Forbidden("metadata.finalizers",
                        "no new finalizers can be added if the object is being deleted, found new finalizers []string{" +
                        string.Join(", ", added.Select(f => "\"" + f + "\"")) + "}"));
                }
            }

            if (errors.Count > 0)
            {
                throw ApiException.Invalid(Definition.GroupKind, name, errors);
            }

            foreach (var warning in strategy.WarningsOnUpdate(newObj, oldObj))
            {
                options.Warnings.Add(warning);
            }

            // Validating admission, after the strategy, also for a no-op update (upstream's updateValidation).
            await _admission.ValidateAsync(
                Admission(operation, ns, name, newObj, oldObj, options.Subresource, options.DryRun, options.FieldManager, options.Warnings, options.User), cancellationToken);

            if (JsonNode.DeepEquals(newObj, oldObj))
            {
                // A no-op update writes nothing and keeps the resourceVersion, as upstream.
                return current;
            }

            if (options.DryRun)
            {
                return new StoredObject(key, current.Revision, current.CreateRevision, ObjectJson.Serialize(newObj));
            }

            // As upstream's ShouldDeleteDuringUpdate, a graceful delete in progress (grace period above 0) is not ended by an
            // update: only the delete of whoever runs the object (the kubelet, with grace period 0) ends it.
            var removes = newObj.HasDeletionTimestamp() && newObj.Finalizers().Count == 0 && !Definition.Strategy.HoldsDeletion(newObj)
                && !(Definition.Strategy is IGracefulDeleteStrategy && oldObj.Metadata().GetInt64("deletionGracePeriodSeconds") > 0);
            var result = await _store.WriteAsync(
                new WriteRequest(key, removes ? WriteKind.Delete : WriteKind.Update, current.Revision, rev => ObjectJson.StampAndSerialize(newObj, rev)),
                cancellationToken);
            switch (result.Status)
            {
                case WriteStatus.Ok:
                    return Definition.Hooks is { } hooks ? await hooks.AfterUpdateAsync(result.Object!, removes, cancellationToken) : result.Object!;
                case WriteStatus.NotFound:
                    throw ApiException.NotFound(Resource, name);
                case WriteStatus.Conflict when string.IsNullOrEmpty(requestedRv):
                    continue;
                case WriteStatus.Conflict when result.Object is { } latest && latest.Revision != current.Revision:
                    // Read from a cache behind the store (with etcd: another replica wrote first). Once the cache has
                    // caught up the loop reads again, as upstream's GuaranteedUpdate does: an update built on the object
                    // read goes through, a caller's own stale resourceVersion is still a conflict (checked above).
                    await _store.WaitForConsistentReadAsync(cancellationToken);
                    continue;
                default:
                    throw ApiException.Conflict(Resource, name);
            }
        }
    }

    /// <summary>
    /// The object at <paramref name="key"/>; when this replica's cache has none, after it caught up with the store (with
    /// etcd another replica may have created it a moment ago; with SQLite the cache is the store and nothing waits).
    /// </summary>
    private async ValueTask<StoredObject?> LatestOrConsistentAsync(string key, CancellationToken cancellationToken)
    {
        if (_store.Latest.Get(key) is { } current)
        {
            return current;
        }

        await _store.WaitForConsistentReadAsync(cancellationToken);
        return _store.Latest.Get(key);
    }

    /// <summary>
    /// Deletes an object, or marks it for deletion when finalizers (or the strategy) hold it: then the result
    /// is the updated object and <see cref="DeleteResult.Removed"/> is false.
    /// </summary>
    public async Task<DeleteResult> DeleteAsync(string ns, string name, DeleteOptions options, CancellationToken cancellationToken)
    {
        using var span = Observability.Tracing.ApiServerTracing.StartRegistry("Delete", Definition.Plural, ns, name);
        var key = Definition.Key(ns, name);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = _store.Latest.Get(key) ?? throw ApiException.NotFound(Resource, name);
            var obj = ObjectJson.Parse(current.Value);
            if (options.PreconditionUid is { Length: > 0 } uid && uid != obj.Uid())
            {
                throw ApiException.ConflictWith(Resource, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {obj.Uid()}");
            }

            if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != obj.ResourceVersion())
            {
                throw ApiException.ConflictWith(Resource, name,
                    $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {obj.ResourceVersion()}");
            }

            // Admission of the delete (both phases, upstream's AdmissionToValidateObjectDeleteFunc), after the preconditions.
            var deletion = Admission(AdmissionOperation.Delete, ns, name, null, obj, "", options.DryRun, null, options.Warnings, null);
            await _admission.AdmitAsync(deletion, cancellationToken);
            await _admission.ValidateAsync(deletion, cancellationToken);

            // Foreground and Orphan leave the object to the garbage collector behind a finalizer (DeletionPropagation).
            var propagationChanged = DeletionPropagation.ApplyFinalizers(obj, options.PropagationPolicy);
            WriteRequest request;
            var holds = obj.Finalizers().Count > 0 || Definition.Strategy.HoldsDeletion(obj);
            var gracePeriod = (Definition.Strategy as IGracefulDeleteStrategy)?.GracePeriodSeconds(obj, options.GracePeriodSeconds);
            if (obj.HasDeletionTimestamp() && gracePeriod is { } shorter
                && obj.Metadata().GetInt64("deletionGracePeriodSeconds") is { } pending && shorter < pending)
            {
                // A graceful delete in progress may only be shortened (upstream's BeforeDelete); 0 ends it unless finalizers hold.
                if (shorter > 0 || holds)
                {
                    var meta = obj.Metadata();
                    var deadline = DateTimeOffset.Parse(meta.GetString("deletionTimestamp")!, CultureInfo.InvariantCulture);
                    meta["deletionTimestamp"] = ObjectMeta.FormatTime(deadline.AddSeconds(shorter - pending));
                    meta["deletionGracePeriodSeconds"] = shorter;
                    request = new WriteRequest(key, WriteKind.Update, current.Revision, rev => ObjectJson.StampAndSerialize(obj, rev));
                    holds = true;
                }
                else
                {
                    request = new WriteRequest(key, WriteKind.Delete, current.Revision, rev => ObjectJson.StampAndSerialize(obj, rev));
                }
            }
            else if (obj.HasDeletionTimestamp() && propagationChanged)
            {
                // Deleted again with another policy: only the garbage collection finalizers change, as upstream.
                request = new WriteRequest(key, holds ? WriteKind.Update : WriteKind.Delete, current.Revision, rev => ObjectJson.StampAndSerialize(obj, rev));
            }
            else if (holds || gracePeriod > 0)
            {
                if (obj.HasDeletionTimestamp())
                {
                    return new DeleteResult(current, Removed: false);
                }

                // A graceful delete's deadline is now + the grace period, as upstream; finalizers alone mark it now.
                var meta = obj.Metadata();
                meta["deletionTimestamp"] = ObjectMeta.FormatTime(_time.GetUtcNow().AddSeconds(gracePeriod ?? 0));
                meta["deletionGracePeriodSeconds"] = gracePeriod ?? options.GracePeriodSeconds ?? 0;
                if (meta.GetInt64("generation") is > 0 and var generation)
                {
                    // As upstream's BeforeDelete and markAsDeleting: the first deletion mark bumps a generation already kept.
                    meta["generation"] = generation + 1;
                }

                Definition.Strategy.PrepareForDelete(obj);
                request = new WriteRequest(key, WriteKind.Update, current.Revision, rev => ObjectJson.StampAndSerialize(obj, rev));
                holds = true;
            }
            else
            {
                request = new WriteRequest(key, WriteKind.Delete, current.Revision, rev => ObjectJson.StampAndSerialize(obj, rev));
            }

            if (options.DryRun)
            {
                return new DeleteResult(new StoredObject(key, current.Revision, current.CreateRevision, ObjectJson.Serialize(obj)), !holds);
            }

            var result = await _store.WriteAsync(request, cancellationToken);
            switch (result.Status)
            {
                case WriteStatus.Ok:
                    return new DeleteResult(result.Object!, Removed: !holds);
                case WriteStatus.NotFound:
                    throw ApiException.NotFound(Resource, name);
                default:
                    continue;
            }
        }
    }

    /// <summary>The admission request of a write to this resource.</summary>
    private AdmissionRequest Admission(
        AdmissionOperation operation, string ns, string name, JsonObject? obj, JsonObject? oldObj, string subresource, bool dryRun, string? fieldManager,
        IWarningSink warnings, Security.UserInfo? user) => new()
    {
        User = user is null ? AdmissionUser.Admin : new AdmissionUser(user.Name, user.Uid, user.Groups),
        Operation = operation,
        Definition = Definition,
        Subresource = subresource,
        Namespace = Definition.Namespaced ? ns : "",
        Name = name,
        Object = obj,
        OldObject = oldObj,
        DryRun = dryRun,
        FieldManager = fieldManager,
        Warnings = warnings,
    };

    /// <summary>The metadata fields a client cannot change through update (kept from the stored object).</summary>
    private static readonly string[] ServerOwnedMetadata = ["creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"];

    /// <summary>The managedFields bookkeeping of a write, or null for the server's own writes (no field manager).</summary>
    private FieldManagerContext? FieldManagerContextFor(WriteOptions options) => options.FieldManager is { } manager
        ? new FieldManagerContext(manager, options.Subresource, Definition.ApiVersion, Schema,
            ManagedFieldsTracker.ResetFields(options.Subresource, Definition.StatusStrategy is not null))
        : null;

    private static void SetManagedFields(JsonObject meta, JsonArray? managedFields)
    {
        if (managedFields is null)
        {
            meta.Remove("managedFields");
        }
        else
        {
            meta["managedFields"] = managedFields;
        }
    }

    private void CheckTypeAndNamespace(JsonObject obj, string ns)
    {
        Definition.CheckTypeMeta(obj);
        var meta = obj.Metadata();
        if (!Definition.Namespaced)
        {
            if (!string.IsNullOrEmpty(meta.GetString("namespace")))
            {
                meta.Remove("namespace");
            }

            return;
        }

        var bodyNs = meta.GetString("namespace");
        if (string.IsNullOrEmpty(bodyNs))
        {
            meta["namespace"] = ns;
        }
        else if (bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }
}

/// <summary>The outcome of a delete: the object's last state and whether it is gone (false: marked for deletion).</summary>
internal sealed record DeleteResult(StoredObject Object, bool Removed);
