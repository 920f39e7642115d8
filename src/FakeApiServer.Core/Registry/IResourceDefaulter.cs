using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>
/// The scheme defaulting of one kind (upstream's generated SetObjectDefaults_* over the SetDefaults_* functions of
/// pkg/apis/*/v1/defaults.go). kube-apiserver defaults every object it decodes, so the registry applies it to every
/// incoming object before admission and the strategy see it: the body of a create, the new object of an update, the
/// patched object of a patch and of a server-side apply. Idempotent, pure and synchronous; it only fills fields that
/// are absent, and never reads another object.
/// </summary>
internal interface IResourceDefaulter
{
    /// <summary>Fills the absent fields of <paramref name="obj"/> that upstream defaults.</summary>
    void Default(JsonObject obj);
}

/// <summary>A defaulter given by a method, for kinds whose defaults are one static function.</summary>
internal sealed class ResourceDefaulter(Action<JsonObject> defaults) : IResourceDefaulter
{
    public void Default(JsonObject obj) => defaults(obj);
}
