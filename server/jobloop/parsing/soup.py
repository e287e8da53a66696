"""The soup every parse reads: BeautifulSoup with lxml as its builder, built with less
Python per tag.

bs4's lxml builder is written for XML as well as HTML. For every start tag it copies the
attributes twice, asks each name for a namespace and looks up a prefix, then walks every
attribute again to split class-like values. lxml's HTML parser has no namespaces, so for
HTML that work always finds nothing; on a page of 10,000 tags it was about a third of
the build. This builder skips it and hands BeautifulSoup the same tag, the same
attributes and the same split values, so the tree is the one the stock builder makes
(tests/test_parsing_soup_unit.py compares them). Anything namespaced still takes the stock path.

One builder and its lxml parser serve every build, in turn. Made anew for each page, they
cost more than a small page's whole tree: the builder's attribute tables, and lxml looking
at the builder's methods (inspect) as it makes a parser for it. A page of 13 tags (215
bytes) was built in 224 µs that way, against 184 µs with the stock builder and 154 µs with
both kept.
"""
from __future__ import annotations

import re
import threading
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.builder import LXMLTreeBuilder

_WORDS = re.compile(r"\S+")  # how bs4 splits class="a b" into ["a", "b"]

# Every clip is read as HTML on purpose (an XHTML page, a feed someone clipped, a page that is
# only a URL): bs4's advice about it would land in the server's terminal once per such clip.
# A filter for the process, set once: catch_warnings() around each parse is not thread-safe.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


class HtmlBuilder(LXMLTreeBuilder):
    NAME = "jobloop-lxml"
    features = [NAME]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lists = self.cdata_list_attributes or {}
        universal = frozenset(lists.get("*", ()))
        # Per tag, every attribute whose value is a list of words (class, rel, headers…): a
        # handful of names to look up, rather than every attribute of every tag.
        self._lists = {tag: tuple(universal | frozenset(names)) for tag, names in lists.items() if tag != "*"}
        self._universal = tuple(universal)
        self._parser = None

    def parser_for(self, encoding):
        if encoding is not None:  # bs4's second try of a page lxml refused as text, as UTF-8 bytes
            return super().parser_for(encoding)
        if self._parser is None:
            self._parser = super().parser_for(None)
        # lxml starts a new document at the next feed after close(), and after a page it stopped
        # on (it ends the open tags, so the builder's namespace stacks unwind too): tested.
        return self._parser

    def start(self, tag, attrib, nsmap={}):  # noqa: B006 (lxml's signature)
        if nsmap or len(self.nsmaps) > 1 or tag[0] == "{":
            return super().start(tag, attrib, nsmap)
        for name in attrib:
            if name[0] == "{":  # an attribute named like a namespaced one: the stock path
                return super().start(tag, attrib, nsmap)
        self.soup.handle_starttag(tag, None, None, self.attribute_dict_class(attrib),
                                  namespaces=self.active_namespace_prefixes[-1])

    def end(self, tag):
        if len(self.nsmaps) > 1 or tag[0] == "{":
            return super().end(tag)
        self.soup.endData()
        self.soup.handle_endtag(tag, None)

    def _replace_cdata_list_attribute_values(self, tag_name, attrs):
        if attrs:
            for name in self._lists.get(tag_name.lower(), self._universal):
                value = attrs.get(name)
                if value.__class__ is str:
                    attrs[name] = self.attribute_value_list_class(_WORDS.findall(value))
        return attrs


# One soup is built at a time in the process. lxml lets go of the GIL while libxml2 reads
# the page and takes it back for every tag and string it hands to bs4 (a Python callback):
# with several server threads building soups at once, the GIL changed hands at nearly every
# tag. Eight threads building soups of one small page took 3 to 4.5 times the CPU one thread
# took; one at a time, 1.1 to 1.5 times. Waiting threads sleep on the lock instead.
_ONE_AT_A_TIME = threading.Lock()
_builder: HtmlBuilder | None = None  # made at the first build; guarded by _ONE_AT_A_TIME


def build(html: str) -> BeautifulSoup:
    global _builder
    with _ONE_AT_A_TIME:
        if _builder is None:
            _builder = HtmlBuilder()
        return BeautifulSoup(html, builder=_builder)
