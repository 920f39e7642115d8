using FakeApiServer.Schema.Cel;
using FakeApiServer.Schema.Cel.Library;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Tests.Schema.Cel.Library;

/// <summary>The Kubernetes CEL libraries, with the results upstream's library tests give.</summary>
public sealed class CelKubernetesLibraryTests
{
    private static object Eval(string expr, IReadOnlyDictionary<string, object>? variables = null) =>
        CelProgram.Compile(expr).Evaluate(variables ?? new Dictionary<string, object>());

    [Theory]
    // lists and sets
    [InlineData("[1, 2, 1].lastIndexOf(1)", 2L)]
    [InlineData("[[1, 2], [3]].flatten() == [1, 2, 3]", true)]
    [InlineData("[1, 2, 3, 4].slice(1, 3) == [2, 3]", true)]
    [InlineData("[1, 2, 2, 3].distinct() == [1, 2, 3]", true)]
    [InlineData("[3, 1, 2].sort() == [1, 2, 3]", true)]
    [InlineData("lists.range(3) == [0, 1, 2]", true)]
    [InlineData("sets.contains([1, 2, 3], [2, 3])", true)]
    [InlineData("sets.contains([1, 2], [3])", false)]
    [InlineData("sets.equivalent([1, 2, 2], [2, 1])", true)]
    [InlineData("sets.intersects([1, 2], [2, 5])", true)]
    [InlineData("[1, 2, 3].isSorted()", true)]
    // regex
    [InlineData("'abc 123'.find('[0-9]+')", "123")]
    [InlineData("'abc'.find('[0-9]+')", "")]
    [InlineData("'123 abc 456'.findAll('[0-9]+') == ['123', '456']", true)]
    [InlineData("'123 abc 456'.findAll('[0-9]+', 1) == ['123']", true)]
    // URLs
    [InlineData("url('https://example.com:8080/a/b?x=1&x=2').getHost()", "example.com:8080")]
    [InlineData("url('https://example.com:8080/a/b').getHostname()", "example.com")]
    [InlineData("url('https://example.com:8080/a/b').getPort()", "8080")]
    [InlineData("url('https://[::1]:80/').getHostname()", "::1")]
    [InlineData("url('https://example.com/a/b').getEscapedPath()", "/a/b")]
    [InlineData("url('https://example.com/?x=1&x=2&y').getQuery()['x'] == ['1', '2']", true)]
    [InlineData("url('/absolute/path').getScheme()", "")]
    [InlineData("isURL('relative/path')", false)]
    [InlineData("isURL('https://example.com')", true)]
    // quantity
    [InlineData("quantity('1Gi').isGreaterThan(quantity('1G'))", true)]
    [InlineData("quantity('500m').isLessThan(quantity('1'))", true)]
    [InlineData("quantity('1') == quantity('1000m')", true)]
    [InlineData("quantity('2').add(3).asInteger()", 5L)]
    [InlineData("quantity('2').sub(quantity('500m')).asApproximateFloat()", 1.5)]
    [InlineData("quantity('1.5').isInteger()", false)]
    [InlineData("quantity('-3').sign()", -1L)]
    [InlineData("quantity('1Ki').compareTo(quantity('1024'))", 0L)]
    [InlineData("isQuantity('1.5.5')", false)]
    [InlineData("isQuantity('20Mi')", true)]
    // IP and CIDR
    [InlineData("ip('10.0.0.1').family()", 4L)]
    [InlineData("ip('::1').isLoopback()", true)]
    [InlineData("ip('fe80::1').isLinkLocalUnicast()", true)]
    [InlineData("ip('8.8.8.8').isGlobalUnicast()", true)]
    [InlineData("ip('0.0.0.0').isUnspecified()", true)]
    [InlineData("isIP('010.0.0.1')", false)]
    [InlineData("isIP('1.2.3')", false)]
    [InlineData("ip.isCanonical('2001:db8::1')", true)]
    [InlineData("ip.isCanonical('2001:DB8::1')", false)]
    [InlineData("string(ip('10.0.0.1'))", "10.0.0.1")]
    [InlineData("cidr('10.0.0.0/8').containsIP('10.1.2.3')", true)]
    [InlineData("cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))", false)]
    [InlineData("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", true)]
    [InlineData("cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))", false)]
    [InlineData("string(cidr('10.1.2.3/8').masked())", "10.0.0.0/8")]
    [InlineData("cidr('10.1.2.3/8').prefixLength()", 8L)]
    [InlineData("string(cidr('10.1.2.3/8').ip())", "10.1.2.3")]
    [InlineData("isCIDR('10.0.0.0/33')", false)]
    public void Library_functions_evaluate_as_kubernetes_does(string expr, object expected) =>
        Assert.Equal(expected, Eval(expr));

    [Theory]
    [InlineData("quantity('abc')", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    [InlineData("quantity('1.5').asInteger()", "cannot convert value to integer")]
    [InlineData("ip('fe80::1%eth0')", "IP address \"fe80::1%eth0\" with zone value is not allowed")]
    [InlineData("ip('::ffff:1.2.3.4')", "IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed")]
    [InlineData("'abc'.find('[')", null)]
    public void Library_errors_are_cel_runtime_errors(string expr, string? message)
    {
        var error = Assert.Throws<CelEvaluationException>(() => Eval(expr));
        if (message is not null)
        {
            Assert.Equal(message, error.Message);
        }
    }

    [Fact]
    public void The_authorizer_asks_the_servers_authorizer_for_the_user_and_for_service_accounts()
    {
        var authorizer = new CelAuthorizer(new OnlyAlice(), UserInfo.Of("alice"), null);
        var requestResource = new CelResourceCheck(authorizer, "apps", "deployments", "", "default", "web");
        var variables = new Dictionary<string, object> { ["authorizer"] = authorizer with { RequestResource = requestResource } };

        Assert.Equal(true, Eval("authorizer.group('').resource('secrets').namespace('default').check('get').allowed()", variables));
        Assert.Equal("alice may", Eval("authorizer.path('/healthz').check('get').reason()", variables));
        Assert.Equal(true, Eval("authorizer.requestResource.check('delete').allowed()", variables));
        Assert.Equal(false, Eval("authorizer.serviceAccount('default', 'robot').group('').resource('secrets').check('get').allowed()", variables));
        Assert.Equal(false, Eval("authorizer.requestResource.check('get').errored()", variables));
    }

    private sealed class OnlyAlice : IAuthorizer
    {
        public AuthorizationDecision Authorize(AuthorizationAttributes attributes) =>
            attributes.User.Name == "alice" ? AuthorizationDecision.Allow("alice may") : AuthorizationDecision.NoOpinion();

        public SubjectRules RulesFor(UserInfo user, string ns) => new([], false, []);
    }
}
