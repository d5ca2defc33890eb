<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AdminPanel</name>
    <message numerus="yes">
        <source>Clock: %1 (%n min ahead of the server).</source>
        <translation>
            <numerusform>Clock: %1 (%n min ahead of the server).</numerusform>
            <numerusform>Clock: %1 (%n min ahead of the server).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Clock: %1 (%n min behind the server).</source>
        <translation>
            <numerusform>Clock: %1 (%n min behind the server).</numerusform>
            <numerusform>Clock: %1 (%n min behind the server).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AppealScreen</name>
    <message numerus="yes">
        <source>%Ln person(s) signed so far.</source>
        <translation>
            <numerusform>%Ln person has signed so far.</numerusform>
            <numerusform>%Ln people have signed so far.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln person(s) signed on this kiosk.</source>
        <translation>
            <numerusform>%Ln person has signed on this kiosk.</numerusform>
            <numerusform>%Ln people have signed on this kiosk.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Goal: %Ln signature(s)</source>
        <translation>
            <numerusform>Goal: %Ln signature</numerusform>
            <numerusform>Goal: %Ln signatures</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SignScreen</name>
    <message numerus="yes">
        <source>Please fix the %n problem(s) marked above.</source>
        <translation>
            <numerusform>Please fix the problem marked above.</numerusform>
            <numerusform>Please fix the %n problems marked above.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StillTherePrompt</name>
    <message numerus="yes">
        <source>Your details will be cleared in %n second(s).</source>
        <translation>
            <numerusform>Your details will be cleared in %n second.</numerusform>
            <numerusform>Your details will be cleared in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncCornerLabel</name>
    <message numerus="yes">
        <source>%n waiting to sync</source>
        <translation>
            <numerusform>%n waiting to sync</numerusform>
            <numerusform>%n waiting to sync</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>last sync %n min ago</source>
        <translation>
            <numerusform>last sync %n min ago</numerusform>
            <numerusform>last sync %n min ago</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message numerus="yes">
        <source>Back to the appeal in %n second(s).</source>
        <translation>
            <numerusform>Back to the appeal in %n second.</numerusform>
            <numerusform>Back to the appeal in %n seconds.</numerusform>
        </translation>
    </message>
</context>
</TS>
