using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;

namespace FakeApiServer.Tests.Api.Selectors;

public sealed class LabelSelectorTests
{
    private const string QualifiedNameRegexError =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string LabelValueRegexError =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private static readonly Dictionary<string, string> Web = new()
    {
        ["app"] = "web",
        ["tier"] = "frontend",
        ["replicas"] = "3",
        ["app.kubernetes.io/name"] = "shop",
    };

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Null_empty_or_blank_selects_everything(string? text)
    {
        var selector = LabelSelector.Parse(text);

        Assert.True(selector.IsEverything);
        Assert.True(selector.Matches(Web));
        Assert.True(selector.Matches(null));
    }

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app=db", false)]
    [InlineData("app==web", true)]
    [InlineData("app==db", false)]
    [InlineData("app!=db", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web,db)", true)]
    [InlineData("app in (db,cache)", false)]
    [InlineData("missing in (x)", false)]
    [InlineData("app notin (db)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("app", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!app", false)]
    [InlineData("replicas>2", true)]
    [InlineData("replicas>3", false)]
    [InlineData("replicas<4", true)]
    [InlineData("replicas<3", false)]
    [InlineData("app>1", false)]
    [InlineData("missing<9", false)]
    [InlineData("app=web,tier=frontend", true)]
    [InlineData("app=web,tier=backend", false)]
    [InlineData("app.kubernetes.io/name=shop", true)]
    [InlineData("app.kubernetes.io/name in (shop),!example.com/x", true)]
    [InlineData("missing=", false)]
    [InlineData("missing!=", true)]
    [InlineData("missing in ()", false)]
    [InlineData("  app   in   ( web ,  db )  ,  tier = frontend  ", true)]
    [InlineData("app\tin\n(web)", true)]
    public void Each_operator_matches_as_upstream(string text, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(text).Matches(Web));
    }

    [Fact]
    public void Empty_value_matches_a_label_set_to_the_empty_string()
    {
        var labels = new Dictionary<string, string> { ["a"] = "" };

        Assert.True(LabelSelector.Parse("a=").Matches(labels));
        Assert.True(LabelSelector.Parse("a in (,x)").Matches(labels));
        Assert.True(LabelSelector.Parse("a in ()").Matches(labels));
        Assert.False(LabelSelector.Parse("a!=").Matches(labels));
    }

    [Fact]
    public void Keywords_are_values_in_value_position()
    {
        var labels = new Dictionary<string, string> { ["in"] = "notin" };

        Assert.True(LabelSelector.Parse("in in (notin)").Matches(labels));
        Assert.True(LabelSelector.Parse("in=notin").Matches(labels));
    }

    [Fact]
    public void Requirements_are_sorted_by_key_with_sorted_unique_values()
    {
        var selector = LabelSelector.Parse("z in (b,a,b),a=x,!m");

        Assert.Equal(new[] { "a", "m", "z" }, selector.Requirements.Select(r => r.Key));
        Assert.Equal(new[] { "a", "b" }, selector.Requirements[2].Values);
        Assert.Equal(LabelSelectorOperator.DoesNotExist, selector.Requirements[1].Operator);
        Assert.Equal("a=x,!m,z in (a,b)", selector.ToString());
    }

    [Theory]
    // Top level.
    [InlineData("=a", "found '=', expected: !, identifier, or 'end of string'")]
    [InlineData(",a", "found ',', expected: !, identifier, or 'end of string'")]
    [InlineData("(a)", "found '(', expected: !, identifier, or 'end of string'")]
    [InlineData("a,", "found '', expected: identifier after ','")]
    [InlineData("a,,b", "found ',', expected: identifier after ','")]
    [InlineData("a=b c", "found 'c', expected: ',' or 'end of string'")]
    [InlineData("!a=b", "found '=', expected: ',' or 'end of string'")]
    [InlineData("a in (b) c", "found 'c', expected: ',' or 'end of string'")]
    // Requirement.
    [InlineData("!", "unable to parse requirement: found '', expected: identifier")]
    [InlineData("!!a", "unable to parse requirement: found '!', expected: identifier")]
    [InlineData("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("a (b)", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("a in", "unable to parse requirement: found '' expected: '('")]
    [InlineData("a in b", "unable to parse requirement: found 'b' expected: '('")]
    [InlineData("a notin", "unable to parse requirement: found '' expected: '('")]
    [InlineData("a in (", "unable to parse requirement: found '', expected: ',', ')' or identifier")]
    [InlineData("a in (=", "unable to parse requirement: found '=', expected: ',', ')' or identifier")]
    [InlineData("a in (b", "unable to parse requirement: found '', expected: ',' or ')'")]
    [InlineData("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'")]
    [InlineData("a in (b,", "unable to parse requirement: found '', expected: ',', or identifier")]
    [InlineData("a in (,,)", "unable to parse requirement: found ')', expected: ',', or identifier")]
    [InlineData("a=(", "unable to parse requirement: found '(', expected: identifier")]
    [InlineData("a==!", "unable to parse requirement: found '!', expected: identifier")]
    [InlineData("a>", "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer")]
    [InlineData("a<b", "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer")]
    [InlineData("a>1.5", "unable to parse requirement: values[0]: Invalid value: \"1.5\": for 'Gt', 'Lt' operators, the value must be an integer")]
    // Key and value validation.
    [InlineData("a_=b", "unable to parse requirement: <nil>: Invalid value: \"a_\": " + QualifiedNameRegexError)]
    [InlineData("a/b/c", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    [InlineData("/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty")]
    [InlineData("Example.com/a", "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    [InlineData("example.com/", "unable to parse requirement: <nil>: Invalid value: \"example.com/\": name part must be non-empty; " + QualifiedNameRegexError)]
    [InlineData("!-a", "unable to parse requirement: <nil>: Invalid value: \"-a\": " + QualifiedNameRegexError)]
    [InlineData("a=-b", "unable to parse requirement: values[0][a]: Invalid value: \"-b\": " + LabelValueRegexError)]
    [InlineData("a in (ok,-b)", "unable to parse requirement: values[0][a]: Invalid value: \"-b\": " + LabelValueRegexError)]
    [InlineData("a in (x,y_)", "unable to parse requirement: values[1][a]: Invalid value: \"y_\": " + LabelValueRegexError)]
    [InlineData("a>-1", "unable to parse requirement: values[0][a]: Invalid value: \"-1\": " + LabelValueRegexError)]
    [InlineData("a=\"b\"", "unable to parse requirement: values[0][a]: Invalid value: \"\\\"b\\\"\": " + LabelValueRegexError)]
    [InlineData("a<-x", "unable to parse requirement: [values[0]: Invalid value: \"-x\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: \"-x\": " + LabelValueRegexError + "]")]
    public void Malformed_selector_throws_upstream_message(string text, string message)
    {
        var e = Assert.Throws<SelectorParseException>(() => LabelSelector.Parse(text));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Too_long_key_and_value_report_their_length_limits()
    {
        var longName = new string('a', 64);

        var keyError = Assert.Throws<SelectorParseException>(() => LabelSelector.Parse(longName));
        var valueError = Assert.Throws<SelectorParseException>(() => LabelSelector.Parse("a=" + longName));

        Assert.Equal($"unable to parse requirement: <nil>: Invalid value: \"{longName}\": name part must be no more than 63 bytes", keyError.Message);
        Assert.Equal($"unable to parse requirement: values[0][a]: Invalid value: \"{longName}\": must be no more than 63 bytes", valueError.Message);
    }

    [Fact]
    public void Label_selector_object_null_selects_nothing_and_empty_selects_everything()
    {
        Assert.False(LabelSelector.FromLabelSelectorObject(null).Matches(Web));
        Assert.True(LabelSelector.FromLabelSelectorObject(null).IsNothing);
        Assert.True(LabelSelector.FromLabelSelectorObject([]).IsEverything);
        Assert.True(LabelSelector.FromLabelSelectorObject(Parse("""{"matchLabels":{},"matchExpressions":[]}""")).Matches(Web));
    }

    [Theory]
    [InlineData("""{"matchLabels":{"app":"web","tier":"frontend"}}""", true)]
    [InlineData("""{"matchLabels":{"app":"db"}}""", false)]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"In","values":["web","db"]}]}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"NotIn","values":["web"]}]}""", false)]
    [InlineData("""{"matchExpressions":[{"key":"app.kubernetes.io/name","operator":"Exists"}]}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"DoesNotExist"}]}""", false)]
    [InlineData("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["frontend"]}]}""", true)]
    public void Label_selector_object_matches_as_upstream(string json, bool expected)
    {
        Assert.Equal(expected, LabelSelector.FromLabelSelectorObject(Parse(json)).Matches(Web));
    }

    [Theory]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"Gt","values":["1"]}]}""", "\"Gt\" is not a valid label selector operator")]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"In"}]}""", "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"Exists","values":["a"]}]}""", "values: Invalid value: [\"a\"]: values set must be empty for exists and does not exist")]
    [InlineData("""{"matchLabels":{"a_":"b"}}""", "key: Invalid value: \"a_\": " + QualifiedNameRegexError)]
    [InlineData("""{"matchLabels":{"a":"b c"}}""", "values[0][a]: Invalid value: \"b c\": " + LabelValueRegexError)]
    public void Invalid_label_selector_object_throws_upstream_message(string json, string message)
    {
        var e = Assert.Throws<SelectorParseException>(() => LabelSelector.FromLabelSelectorObject(Parse(json)));

        Assert.Equal(message, e.Message);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
