import gc

from jupyterlab_tracker.gc_pause import gc_paused


def test_the_collector_is_paused_inside_and_enabled_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_is_enabled_again_when_the_block_raises():
    try:
        with gc_paused():
            raise KeyError("boom")
    except KeyError:
        pass
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled():
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_as_a_decorator_it_pauses_each_call():
    @gc_paused()
    def collector_enabled():
        return gc.isenabled()

    assert [collector_enabled(), collector_enabled()] == [False, False]
    assert gc.isenabled()
