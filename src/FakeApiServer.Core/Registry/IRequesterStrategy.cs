using System.Text.Json.Nodes;
using FakeApiServer.Security;

namespace FakeApiServer.Registry;

/// <summary>
/// A strategy that records who creates an object, as upstream strategies that read the user from the request context
/// in PrepareForCreate (a CertificateSigningRequest's spec.username, uid, groups and extra). Called on creates with a
/// requesting user, just before <see cref="IResourceStrategy.PrepareForCreate"/>; pure, like it.
/// </summary>
internal interface IRequesterStrategy
{
    void PrepareRequester(JsonObject obj, UserInfo user);
}
