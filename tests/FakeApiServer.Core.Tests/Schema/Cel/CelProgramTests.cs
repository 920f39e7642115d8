using FakeApiServer.Schema.Cel;

namespace FakeApiServer.Tests.Schema.Cel;

public sealed class CelProgramTests
{
    private static object Eval(string expr) => CelProgram.Compile(expr).Evaluate(new Dictionary<string, object>());

    [Theory]
    [InlineData("1 + 2 * 3", 7L)]
    [InlineData("(1 + 2) * 3", 9L)]
    [InlineData("-5 % 3", -2L)]
    [InlineData("10 - 2 - 3", 5L)]
    [InlineData("42 / 2", 21L)]
    [InlineData("'a' + \"b\" + '''c'''", "abc")]
    [InlineData("r'\\d' + 'x'", "\\dx")]
    [InlineData("size('héllo')", 5L)]
    [InlineData("[1, 2] + [3]", null)]
    [InlineData("true ? 'y' : 'n'", "y")]
    [InlineData("1 < 2 && 2.5 >= 2 && 'a' < 'b'", true)]
    [InlineData("'abc'.charAt(1)", "b")]
    [InlineData("['a', 'b'].join('-')", "a-b")]
    [InlineData("[3, 1, 2].max()", 3L)]
    [InlineData("[1, 2, 3].sum()", 6L)]
    [InlineData("duration('1m30s') == duration('90s')", true)]
    [InlineData("timestamp('2024-01-01T00:00:00Z') + duration('24h') == timestamp('2024-01-02T00:00:00Z')", true)]
    [InlineData("string(1.5)", "1.5")]
    [InlineData("int(2.9)", 2L)]
    [InlineData("[1, 2].map(x, x > 1, x * 10)", null)]
    public void Expressions_evaluate_as_cel_does(string expr, object? expected)
    {
        var result = Eval(expr);
        if (expected is not null)
        {
            Assert.Equal(expected, result);
        }
        else
        {
            Assert.IsType<List<object>>(result);
        }
    }

    [Theory]
    [InlineData("9223372036854775807 + 1", "integer overflow")]
    [InlineData("1 / 0", "division by zero")]
    [InlineData("1 % 0", "modulus by zero")]
    [InlineData("[1][5]", "index out of bounds: 5")]
    [InlineData("{'a': 1}['b']", "no such key: b")]
    [InlineData("1 + 'a'", "no such overload: int + string")]
    public void Runtime_errors_carry_cel_messages(string expr, string message) =>
        Assert.Equal(message, Assert.Throws<CelEvaluationException>(() => Eval(expr)).Message);

    [Fact]
    public void Transition_rules_are_detected_by_their_use_of_oldSelf()
    {
        Assert.True(CelProgram.Compile("self.x == oldSelf.x").UsesOldSelf);
        Assert.False(CelProgram.Compile("self.x == 1").UsesOldSelf);
        Assert.False(CelProgram.Compile("self.all(oldSelf, oldSelf > 0)").UsesOldSelf);
    }

    [Fact]
    public void Syntax_errors_are_kept_with_the_program_not_thrown()
    {
        var program = CelProgram.Compile("self.x ==");
        Assert.Null(program.Expression);
        Assert.StartsWith("Syntax error", program.Error, StringComparison.Ordinal);
    }
}
