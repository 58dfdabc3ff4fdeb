package org.deltaprop.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DelimiterTest {

    @Test
    void sniffsTheSeparatorThatSplitsEveryLineAlike() {
        assertEquals(Delimiter.COMMA, Delimiter.sniff("a,b,c\n1,2,3\n", true));
        assertEquals(Delimiter.SEMICOLON, Delimiter.sniff("a;b;c\n1,5;2;3\n", true), "decimal commas beside semicolons");
        assertEquals(Delimiter.TAB, Delimiter.sniff("a b\tc\n1\t2\n", true));
        assertEquals(Delimiter.WHITESPACE, Delimiter.sniff("\uFEFF  1.5  2 0\n3 4\t1\n", true));
        assertEquals(Delimiter.COMMA, Delimiter.sniff("name,x\n\"Smith; John\",1\n\"Doe; Jane\",2\n", true),
                "semicolons inside quotes do not count");
        assertEquals(Delimiter.COMMA, Delimiter.sniff("1\n2\n3\n", true), "one column");
        assertEquals(Delimiter.SEMICOLON, Delimiter.sniff("a;b\n1;2\n3", false),
                "the last line of a cut head is left out");
        assertEquals(Delimiter.COMMA, Delimiter.sniff("a,b\r\n1,2\r\n", true));
    }

    @Test
    void parsesTheOption() {
        assertEquals(Delimiter.SEMICOLON, Delimiter.parse(";"));
        assertEquals(Delimiter.TAB, Delimiter.parse("tab"));
        assertEquals(Delimiter.WHITESPACE, Delimiter.parse("whitespace"));
        assertThrows(IllegalArgumentException.class, () -> Delimiter.parse("|"));
    }
}
