using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Core.ServiceAccounts;

/// <summary>serviceaccounts/token, the tokens it issues (authentication, TokenReview) and the issuer discovery documents.</summary>
public sealed class ServiceAccountTokenApiTests
{
    private const string Issuer = "https://kubernetes.default.svc.cluster.local";

    [Fact]
    public async Task A_token_request_answers_a_token_whose_review_is_the_service_account()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new MovableTime();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = time }, ct);
        var account = await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, "default", cancellationToken: ct);

        var issued = await cluster.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest(), "robot", "default", cancellationToken: ct);
        var review = await cluster.Client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = issued.Status.Token } }, cancellationToken: ct);

        Assert.Equal(3600, issued.Spec.ExpirationSeconds);
        Assert.Equal([Issuer], issued.Spec.Audiences);
        Assert.Equal("robot", issued.Metadata.Name);
        var claims = Claims(issued.Status.Token);
        Assert.Equal((long)claims["iat"]! + 3600, (long)claims["exp"]!);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)claims["exp"]!).UtcDateTime, issued.Status.ExpirationTimestamp!.Value.ToUniversalTime());
        Assert.Equal(Issuer, (string?)claims["iss"]);
        Assert.Equal("system:serviceaccount:default:robot", (string?)claims["sub"]);
        Assert.Equal(account.Metadata.Uid, (string?)claims["kubernetes.io"]!["serviceaccount"]!["uid"]);
        Assert.True(review.Status.Authenticated);
        Assert.Equal("system:serviceaccount:default:robot", review.Status.User.Username);
        Assert.Equal(account.Metadata.Uid, review.Status.User.Uid);
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"], review.Status.User.Groups);
        Assert.Equal(["JTI=" + (string?)claims["jti"]], review.Status.User.Extra["authentication.kubernetes.io/credential-id"]);
        Assert.Equal([Issuer], review.Status.Audiences);

        // Another audience than the token's is refused, as upstream words it.
        var elsewhere = await cluster.Client.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { Spec = new V1TokenReviewSpec { Token = issued.Status.Token, Audiences = ["vault"] } }, cancellationToken: ct);
        Assert.NotEqual(true, elsewhere.Status.Authenticated);
        Assert.Equal($"[invalid bearer token, token audiences [\"{Issuer}\"] is invalid for the target audiences [\"vault\"]]", elsewhere.Status.Error);

        // An hour and a minute later (go-jose's leeway) the token has expired.
        time.Advance(TimeSpan.FromSeconds(3600 + 61));
        var expired = await cluster.Client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = issued.Status.Token } }, cancellationToken: ct);
        Assert.NotEqual(true, expired.Status.Authenticated);
        Assert.Equal("[invalid bearer token, service account token has expired]", expired.Status.Error);
    }

    [Fact]
    public async Task Over_tls_a_token_authenticates_as_its_service_account_until_it_expires_or_the_account_is_deleted()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new MovableTime();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true, TimeProvider = time }, ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "gone" } }, "default", cancellationToken: ct);
        var robot = (await cluster.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest(), "robot", "default", cancellationToken: ct)).Status.Token;
        var gone = (await cluster.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest(), "gone", "default", cancellationToken: ct)).Status.Token;
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = cluster.BaseAddress,
        };

        using var forbidden = await GetAsync(http, "/api/v1/namespaces/default/configmaps", robot, ct);
        await forbidden.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden",
            "configmaps is forbidden: User \"system:serviceaccount:default:robot\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"", ct);
        using var discovery = await GetAsync(http, "/openid/v1/jwks", robot, ct);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);

        await cluster.Client.CoreV1.DeleteNamespacedServiceAccountAsync("gone", "default", cancellationToken: ct);
        using var deleted = await GetAsync(http, "/api/v1/namespaces/default/configmaps", gone, ct);
        await deleted.AssertStatusAsync(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized", ct);
        var review = await cluster.Client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = gone } }, cancellationToken: ct);
        Assert.Equal("[invalid bearer token, serviceaccounts \"gone\" not found]", review.Status.Error);

        time.Advance(TimeSpan.FromSeconds(3600 + 61));
        using var expired = await GetAsync(http, "/api/v1/namespaces/default/configmaps", robot, ct);
        await expired.AssertStatusAsync(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized", ct);
    }

    [Fact]
    public async Task The_issuer_discovery_documents_are_upstreams_and_the_key_set_verifies_a_token()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, "default", cancellationToken: ct);
        var token = (await cluster.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest(), "robot", "default", cancellationToken: ct)).Status.Token;
        using var http = cluster.Http();

        using var configuration = await http.GetAsync("/.well-known/openid-configuration", ct);
        using var keys = await http.GetAsync("/openid/v1/jwks", ct);

        Assert.Equal("application/json", configuration.Content.Headers.ContentType!.ToString());
        Assert.Equal("public, max-age=3600", configuration.Headers.CacheControl!.ToString());
        Assert.Equal(
            $"{{\"issuer\":\"{Issuer}\",\"jwks_uri\":\"https://{cluster.BaseAddress.Authority}/openid/v1/jwks\",\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}}",
            await configuration.Content.ReadAsStringAsync(ct));
        Assert.Equal("application/jwk-set+json", keys.Content.Headers.ContentType!.ToString());
        Assert.Equal("public, max-age=3600", keys.Headers.CacheControl!.ToString());
        var key = (JsonObject)Assert.Single(JsonNode.Parse(await keys.Content.ReadAsStringAsync(ct))!["keys"]!.AsArray())!;
        Assert.Equal(["use", "kty", "kid", "alg", "n", "e"], key.Select(p => p.Key));
        Assert.Equal(("sig", "RSA", "RS256"), ((string?)key["use"], (string?)key["kty"], (string?)key["alg"]));

        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!;
        Assert.Equal("{\"alg\":\"RS256\",\"kid\":\"" + (string?)key["kid"] + "\"}", header.ToJsonString());
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64Url.DecodeFromChars((string)key["n"]!),
            Exponent = Base64Url.DecodeFromChars((string)key["e"]!),
        });
        Assert.Equal((string?)key["kid"], Base64Url.EncodeToString(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())));
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1] + "x"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task A_token_bound_to_a_pod_names_it_and_dies_with_it()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, "default", cancellationToken: ct);
        var pod = Pod("runner", nodeName: "node-1");
        pod.Spec.ServiceAccountName = "robot";
        pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("other"), "default", cancellationToken: ct);

        var bound = await cluster.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest
        {
            Spec = new V1TokenRequestSpec { BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = "runner" }, Audiences = ["vault"] },
        }, "robot", "default", cancellationToken: ct);
        var review = await cluster.Client.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { Spec = new V1TokenReviewSpec { Token = bound.Status.Token, Audiences = ["vault"] } }, cancellationToken: ct);

        var kubernetes = Claims(bound.Status.Token)["kubernetes.io"]!;
        Assert.Equal("{\"name\":\"runner\",\"uid\":\"" + pod.Metadata.Uid + "\"}", kubernetes["pod"]!.ToJsonString());
        Assert.Equal("{\"name\":\"node-1\"}", kubernetes["node"]!.ToJsonString());
        Assert.True(review.Status.Authenticated);
        Assert.Equal(["vault"], review.Status.Audiences);
        Assert.Equal(["runner"], review.Status.User.Extra["authentication.kubernetes.io/pod-name"]);
        Assert.Equal([pod.Metadata.Uid], review.Status.User.Extra["authentication.kubernetes.io/pod-uid"]);
        Assert.Equal(["node-1"], review.Status.User.Extra["authentication.kubernetes.io/node-name"]);

        await cluster.Client.CoreV1.DeleteNamespacedPodAsync("runner", "default", cancellationToken: ct);
        var afterDelete = await cluster.Client.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { Spec = new V1TokenReviewSpec { Token = bound.Status.Token, Audiences = ["vault"] } }, cancellationToken: ct);
        Assert.Equal("[invalid bearer token, service account token has been invalidated]", afterDelete.Status.Error);

        using var http = cluster.Http();
        const string Path = "api/v1/namespaces/default/serviceaccounts/robot/token";
        using var tooShort = await http.PostAsync(Path, Json("""{"spec":{"expirationSeconds":60}}"""), ct);
        await tooShort.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes", ct);
        using var noAccount = await http.PostAsync("api/v1/namespaces/default/serviceaccounts/nobody/token", Json("{}"), ct);
        await noAccount.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", "serviceaccounts \"nobody\" not found", ct);
        using var missingPod = await http.PostAsync(Path, Json("""{"spec":{"boundObjectRef":{"apiVersion":"v1","kind":"Pod","name":"runner"}}}"""), ct);
        await missingPod.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", "pods \"runner\" not found", ct);
        using var otherAccount = await http.PostAsync(Path, Json("""{"spec":{"boundObjectRef":{"apiVersion":"v1","kind":"Pod","name":"other"}}}"""), ct);
        await otherAccount.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "cannot bind token for serviceaccount \"robot\" to pod running with different serviceaccount name.", ct);
        using var kind = await http.PostAsync(Path, Json("""{"spec":{"boundObjectRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"x"}}}"""), ct);
        await kind.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "cannot bind token to object of type apps/v1, Kind=Deployment", ct);
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "default", cancellationToken: ct);
        using var uid = await http.PostAsync(Path, Json("""{"spec":{"boundObjectRef":{"apiVersion":"v1","kind":"Secret","name":"s","uid":"not-it"}}}"""), ct);
        await uid.AssertStatusAsync(HttpStatusCode.Conflict, "Conflict",
            "Operation cannot be fulfilled on Secret \"s\": the UID in the bound object reference (not-it) does not match the UID in record. The object might have been deleted and then recreated", ct);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request, cancellationToken);
    }

    private static JsonObject Claims(string token) => JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();

    /// <summary>The system clock plus an offset the test moves forward.</summary>
    private sealed class MovableTime : TimeProvider
    {
        private long _offsetTicks;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
