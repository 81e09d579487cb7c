using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Management;

namespace NatEdge.Proxy.Tests.Management;

public sealed class LogLevelSwitchTests
{
    // SER's dprint.h: L_ALERT -3, L_CRIT -2, L_ERR -1, L_WARN 1, L_NOTICE 2, L_INFO 3, L_DBG 4;
    // debug=N logs every level up to N.
    [Theory]
    [InlineData(-3, LogLevel.Critical)]
    [InlineData(-2, LogLevel.Critical)]
    [InlineData(-1, LogLevel.Error)]
    [InlineData(1, LogLevel.Warning)]
    [InlineData(2, LogLevel.Information)]
    [InlineData(3, LogLevel.Information)]
    [InlineData(4, LogLevel.Debug)]
    [InlineData(9, LogLevel.Trace)]
    public void SER_debug_levels_map_to_the_lowest_level_they_log(int serLevel, LogLevel minimum) =>
        LogLevelSwitch.ToLogLevel(serLevel).ShouldBe(minimum);

    [Fact]
    public void Changing_the_level_changes_what_is_enabled_at_once()
    {
        var level = new LogLevelSwitch(3);
        level.IsEnabled(LogLevel.Debug).ShouldBeFalse();
        level.IsEnabled(LogLevel.Information).ShouldBeTrue();

        level.SerLevel = 4;

        level.IsEnabled(LogLevel.Debug).ShouldBeTrue();
        level.IsEnabled(LogLevel.None).ShouldBeFalse();
    }
}
