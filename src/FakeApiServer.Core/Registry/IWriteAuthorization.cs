using System.Text.Json.Nodes;
using FakeApiServer.Security;

namespace FakeApiServer.Registry;

/// <summary>
/// A check of a write against the user who makes it, beyond the request's own authorization, as upstream's
/// policy-based RBAC storage (roles and bindings must not grant more than their writer holds). Runs after mutating
/// admission; throws an <see cref="Api.ApiException"/> (403) to refuse. The server's own writes are not checked.
/// </summary>
internal interface IWriteAuthorization
{
    /// <summary>Checks a create of <paramref name="obj"/> in <paramref name="ns"/>. Must not mutate the object.</summary>
    void AuthorizeCreate(UserInfo user, string ns, JsonObject obj);

    /// <summary>Checks an update from <paramref name="oldObj"/> to <paramref name="newObj"/>. Must not mutate the objects.</summary>
    void AuthorizeUpdate(UserInfo user, string ns, JsonObject newObj, JsonObject oldObj);
}
