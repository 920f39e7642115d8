using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace FakeApiServer.Security.Authentication;

/// <summary>
/// kube-apiserver's x509 authenticator: a client certificate that chains to one of the client CAs and allows client
/// authentication is the user of its CN, in the groups of its O attributes. The verdict is kept per certificate object,
/// and Kestrel hands every request of a connection the same object, so the chain is built once per connection.
/// </summary>
internal sealed class ClientCertificateAuthenticator
{
    private static readonly UserInfo Rejected = UserInfo.Of("");

    private readonly X509Certificate2Collection _roots;
    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<X509Certificate2, UserInfo> _verdicts = [];

    public ClientCertificateAuthenticator(X509Certificate2Collection roots, TimeProvider time)
    {
        _roots = roots;
        _time = time;
    }

    /// <summary>
    /// The certificate's user; <see cref="CertificateVerdict.Invalid"/> when it does not verify (a 401, with no
    /// fallback to another authenticator's absence); <see cref="CertificateVerdict.NoUser"/> when it verifies but names
    /// no user (an empty CN), which upstream treats as no credentials.
    /// </summary>
    public (CertificateVerdict Verdict, UserInfo? User) Authenticate(X509Certificate2 certificate)
    {
        if (!_verdicts.TryGetValue(certificate, out var user))
        {
            user = Verify(certificate) ?? Rejected;
            _verdicts.AddOrUpdate(certificate, user);
        }

        if (ReferenceEquals(user, Rejected) || certificate.NotAfter.ToUniversalTime() < _time.GetUtcNow().UtcDateTime)
        {
            return (CertificateVerdict.Invalid, null);
        }

        return user.Name.Length == 0 ? (CertificateVerdict.NoUser, null) : (CertificateVerdict.User, user);
    }

    private UserInfo? Verify(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        try
        {
            if (!chain.Build(certificate))
            {
                return null;
            }
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate))
                {
                    element.Certificate.Dispose();
                }
            }
        }

        string? name = null;
        var groups = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            switch (rdn.GetSingleElementType().Value)
            {
                case "2.5.4.3":
                    name = rdn.GetSingleElementValue();
                    break;
                case "2.5.4.10" when rdn.GetSingleElementValue() is { } group:
                    groups.Add(group);
                    break;
            }
        }

        return Authenticated.User(name ?? "", "", groups);
    }
}

/// <summary>What a client certificate says about its request.</summary>
internal enum CertificateVerdict
{
    /// <summary>It verified and names a user.</summary>
    User,

    /// <summary>It did not verify: the request is unauthorized.</summary>
    Invalid,

    /// <summary>It verified but names no user: as if the request carried no certificate.</summary>
    NoUser,
}
