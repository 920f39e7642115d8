using FakeApiServer.Api.Selectors;

namespace FakeApiServer.Tests.Api.Selectors;

public sealed class FieldSelectorTests
{
    private static readonly Dictionary<string, string> Pod = new()
    {
        ["metadata.name"] = "web-0",
        ["metadata.namespace"] = "default",
        ["status.phase"] = "Running",
        ["spec.nodeName"] = "",
        ["metadata.annotations.odd"] = "a,b=c\\d",
    };

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(",")]
    [InlineData(",,")]
    public void Null_empty_or_only_commas_selects_everything(string? text)
    {
        var selector = FieldSelector.Parse(text);

        Assert.True(selector.IsEverything);
        Assert.Empty(selector.Requirements);
        Assert.True(selector.Matches(Get));
    }

    [Theory]
    [InlineData("metadata.name=web-0", true)]
    [InlineData("metadata.name=web-1", false)]
    [InlineData("metadata.name==web-0", true)]
    [InlineData("metadata.name==web-1", false)]
    [InlineData("metadata.name!=web-1", true)]
    [InlineData("metadata.name!=web-0", false)]
    [InlineData("metadata.name=web-0,status.phase=Running", true)]
    [InlineData("metadata.name=web-0,status.phase!=Running", false)]
    [InlineData("spec.nodeName=", true)]
    [InlineData("spec.nodeName!=", false)]
    [InlineData("missing=", true)]
    [InlineData("missing!=x", true)]
    [InlineData("metadata.annotations.odd=a\\,b\\=c\\\\d", true)]
    [InlineData("metadata.name=web-0,", true)]
    public void Each_operator_matches_as_upstream(string text, bool expected)
    {
        Assert.Equal(expected, FieldSelector.Parse(text).Matches(Get));
    }

    [Fact]
    public void Requirements_are_sorted_by_raw_term_with_unescaped_values()
    {
        var selector = FieldSelector.Parse("status.phase!=Failed,metadata.name==a\\,b,spec.x=1");

        Assert.Equal(
            new[]
            {
                new FieldRequirement("metadata.name", FieldSelectorOperator.Equal, "a,b"),
                new FieldRequirement("spec.x", FieldSelectorOperator.Equal, "1"),
                new FieldRequirement("status.phase", FieldSelectorOperator.NotEqual, "Failed"),
            },
            selector.Requirements);
    }

    [Fact]
    public void First_operator_splits_the_term_and_whitespace_is_kept()
    {
        var requirement = Assert.Single(FieldSelector.Parse(" a !=b").Requirements);

        Assert.Equal(" a ", requirement.Field);
        Assert.Equal(FieldSelectorOperator.NotEqual, requirement.Operator);
        Assert.Equal("b", requirement.Value);
    }

    [Fact]
    public void Requires_exact_match_reports_an_equality_term()
    {
        var selector = FieldSelector.Parse("metadata.name=web-0,status.phase!=Failed");

        Assert.True(selector.RequiresExactMatch("metadata.name", out var name));
        Assert.Equal("web-0", name);
        Assert.False(selector.RequiresExactMatch("status.phase", out _));
    }

    [Fact]
    public void Escape_value_round_trips_through_parse()
    {
        const string literal = "a,b=c\\d";

        var requirement = Assert.Single(FieldSelector.Parse("f=" + FieldSelector.EscapeValue(literal)).Requirements);

        Assert.Equal("a\\,b\\=c\\\\d", FieldSelector.EscapeValue(literal));
        Assert.Equal(literal, requirement.Value);
    }

    [Theory]
    [InlineData("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'")]
    [InlineData("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'")]
    [InlineData("a in (b)", "invalid selector: 'a in (b)'; can't understand 'a in (b)'")]
    [InlineData("a>1", "invalid selector: 'a>1'; can't understand 'a>1'")]
    [InlineData(" ", "invalid selector: ' '; can't understand ' '")]
    [InlineData("a=b=c", "invalid field selector: unescaped character in value: 61")]
    [InlineData("a==b=c", "invalid field selector: unescaped character in value: 61")]
    [InlineData("a=b\\x", "invalid field selector: invalid escape sequence: \\x")]
    [InlineData("a=b\\", "invalid field selector: invalid escape sequence: \\")]
    [InlineData("a=\\\\\\", "invalid field selector: invalid escape sequence: \\")]
    public void Malformed_selector_throws_upstream_message(string text, string message)
    {
        var e = Assert.Throws<SelectorParseException>(() => FieldSelector.Parse(text));

        Assert.Equal(message, e.Message);
    }

    private static string? Get(string field) => Pod.TryGetValue(field, out var value) ? value : null;
}
