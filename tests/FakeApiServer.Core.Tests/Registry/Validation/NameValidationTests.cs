using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Tests.Registry.Validation;

public sealed class NameValidationTests
{
    private const string SubdomainError =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string LabelError =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string Dns1035Error =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private const string NamePartError =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValueError =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [Theory]
    [InlineData("a")]
    [InlineData("example.com")]
    [InlineData("my-app-1")]
    [InlineData("1.2.3")]
    [InlineData("a--b.c-d")]
    public void Valid_dns1123_subdomains_pass(string value)
    {
        Assert.Empty(NameValidation.IsDns1123Subdomain(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Web")]
    [InlineData("-web")]
    [InlineData("web-")]
    [InlineData("web.")]
    [InlineData(".web")]
    [InlineData("a..b")]
    [InlineData("web_1")]
    [InlineData("web\n")]
    [InlineData("wéb")]
    public void Invalid_dns1123_subdomain_reports_the_regex_message(string value)
    {
        Assert.Equal([SubdomainError], NameValidation.IsDns1123Subdomain(value));
    }

    [Fact]
    public void Too_long_dns1123_subdomain_reports_length_and_nothing_else()
    {
        var value = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)); // 255

        Assert.Equal(["must be no more than 253 characters"], NameValidation.IsDns1123Subdomain(value));
        Assert.Empty(NameValidation.IsDns1123Subdomain(value[..253]));
    }

    [Theory]
    [InlineData("a", new string[0])]
    [InlineData("default", new string[0])]
    [InlineData("kube-system", new string[0])]
    [InlineData("0abc", new string[0])]
    [InlineData("a.b", new[] { "must not contain dots" })]
    [InlineData("A", new[] { LabelError })]
    [InlineData("-a", new[] { LabelError })]
    [InlineData("", new[] { LabelError })]
    [InlineData("a.-b", new[] { LabelError })]
    public void Dns1123_label_reports_upstream_messages(string value, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsDns1123Label(value));
    }

    [Fact]
    public void Too_long_dns1123_label_reports_length()
    {
        Assert.Equal(["must be no more than 63 characters"], NameValidation.IsDns1123Label(new string('a', 64)));
        Assert.Equal(["must be no more than 63 characters", "must not contain dots"], NameValidation.IsDns1123Label(new string('a', 62) + ".b"));
    }

    [Theory]
    [InlineData("a", new string[0])]
    [InlineData("my-service", new string[0])]
    [InlineData("abc-123", new string[0])]
    [InlineData("1abc", new[] { Dns1035Error })]
    [InlineData("a.b", new[] { Dns1035Error })]
    [InlineData("abc-", new[] { Dns1035Error })]
    [InlineData("", new[] { Dns1035Error })]
    public void Dns1035_label_reports_upstream_messages(string value, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsDns1035Label(value));
    }

    [Theory]
    [InlineData("simple")]
    [InlineData("Uppercase_Is_OK_123")]
    [InlineData("example.com/Uppercase_Is_OK_123")]
    [InlineData("app.kubernetes.io/name")]
    [InlineData("1.2.3.4/5678")]
    [InlineData("requests.storage-foo")]
    public void Valid_qualified_names_pass(string value)
    {
        Assert.Empty(NameValidation.IsQualifiedName(value));
    }

    [Theory]
    [InlineData("cantendwithadash-", new[] { NamePartError })]
    [InlineData("nospecialchars%^=@", new[] { NamePartError })]
    [InlineData("", new[] { "name part must be non-empty", NamePartError })]
    [InlineData("example.com/", new[] { "name part must be non-empty", NamePartError })]
    [InlineData("/simple", new[] { "prefix part must be non-empty" })]
    [InlineData("example_com/abc", new[] { "prefix part " + SubdomainError })]
    [InlineData("only/one/slash", new[] { "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')" })]
    public void Invalid_qualified_name_reports_upstream_messages(string value, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsQualifiedName(value));
    }

    [Fact]
    public void Qualified_name_limits_prefix_and_name_lengths()
    {
        Assert.Empty(NameValidation.IsQualifiedName(new string('a', 253) + "/" + new string('b', 63)));
        Assert.Equal(["name part must be no more than 63 bytes"], NameValidation.IsQualifiedName(new string('a', 64)));
        Assert.Equal(["prefix part must be no more than 253 bytes"], NameValidation.IsQualifiedName(new string('a', 254) + "/abc"));
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("simple", new string[0])]
    [InlineData("1234", new string[0])]
    [InlineData("My_Value.1", new string[0])]
    [InlineData("-starts-with-dash", new[] { LabelValueError })]
    [InlineData("ends.with.dot.", new[] { LabelValueError })]
    [InlineData("has space", new[] { LabelValueError })]
    [InlineData("Tama-nui-te-rā", new[] { LabelValueError })]
    public void Label_value_reports_upstream_messages(string value, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsValidLabelValue(value));
    }

    [Fact]
    public void Too_long_label_value_reports_length_in_bytes()
    {
        Assert.Empty(NameValidation.IsValidLabelValue(new string('a', 63)));
        Assert.Equal(["must be no more than 63 bytes"], NameValidation.IsValidLabelValue(new string('a', 64)));
    }

    [Theory]
    [InlineData("web-", "wea")]
    [InlineData("a-", "a")]
    [InlineData("-", "a")]
    [InlineData("web", "web")]
    public void Mask_trailing_dash_keeps_upstreams_quirk(string value, string expected)
    {
        Assert.Equal(expected, NameValidation.MaskTrailingDash(value));
    }

    [Theory]
    [InlineData("my-crd", new string[0])]
    [InlineData("Mixed_Case", new string[0])]
    [InlineData(".", new[] { "may not be '.'" })]
    [InlineData("..", new[] { "may not be '..'" })]
    [InlineData("a/b%c", new[] { "may not contain '/'", "may not contain '%'" })]
    public void Path_segment_name_reports_upstream_messages(string value, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsValidPathSegmentName(value));
    }
}
