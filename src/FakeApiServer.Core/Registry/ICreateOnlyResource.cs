using System.Text.Json.Nodes;
using FakeApiServer.Security;

namespace FakeApiServer.Registry;

/// <summary>
/// A resource that is only ever created and never stored, as upstream's review REST storages (SubjectAccessReview,
/// SelfSubjectRulesReview, SelfSubjectReview...): the request's object comes back with its status filled in.
/// </summary>
internal interface ICreateOnlyResource
{
    /// <summary>
    /// Answers the create of <paramref name="obj"/> (apiVersion and kind already checked) in <paramref name="ns"/> ("" for
    /// cluster-scoped kinds) by <paramref name="user"/>: the object to return. Throws an <see cref="Api.ApiException"/>
    /// for an invalid request. May change and return <paramref name="obj"/>.
    /// </summary>
    JsonObject Create(UserInfo user, string ns, JsonObject obj);
}
